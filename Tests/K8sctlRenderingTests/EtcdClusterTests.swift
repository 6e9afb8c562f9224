import Foundation
import Testing
import K8sctlModel
import K8sctlPKI
@testable import K8sctlRendering
import K8sctlTestSupport

/// A real etcd cluster started from the rendered etcd unit and environment file with the PKI
/// module's certificates, each member in its own network and mount namespace (its own
/// /etc/kubernetes/pki and data directory, as on separate machines).
@Suite(.serialized) struct EtcdClusterTests {
    /// Debian's etcd 3.4 stands in for the pinned release at the unit's ExecStart path.
    static let etcdBinary = "/usr/bin/etcd"

    static func cluster(memberCount: Int, dataDir: String) -> Cluster {
        Cluster(name: "etcd-test", kubernetes: KubernetesSettings(version: SemanticVersion("1.31.4")!),
                etcd: EtcdSettings(topology: .external, version: SemanticVersion("3.4.23")!, dataDir: dataDir),
                pki: PKISettings(keyAlgorithm: .ecdsaP256),
                hosts: (1...memberCount).map { Host(name: "etcd-\($0)", address: IPAddress("10.231.0.\(10 + $0)")!, roles: [.etcd]) })
    }

    final class Member: @unchecked Sendable {
        let name: String
        let process: Process
        let log: URL
        init(name: String, process: Process, log: URL) { self.name = name; self.process = process; self.log = log }
        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    }

    /// Starts `host` the way systemd would run the rendered unit: the unit's EnvironmentFile and
    /// ExecStart, inside a mount namespace where /etc is the rendered tree over the real /etc.
    static func start(_ rendered: RenderedHost, treeRoot: URL, dataDir: String, memberData: URL, namespace: String,
                      scratch: URL) throws -> Member {
        let unit = try #require(rendered.text(NodePaths.etcdUnit))
        let lines = unit.split(separator: "\n").map(String.init)
        let environmentFile = try #require(lines.first { $0.hasPrefix("EnvironmentFile=") }?.dropFirst("EnvironmentFile=".count))
        let execStart = try #require(lines.first { $0.hasPrefix("ExecStart=") }?.dropFirst("ExecStart=".count))
        #expect(execStart == NodePaths.etcdBinary)
        let hostRoot = treeRoot.appendingPathComponent(rendered.host).path
        let script = """
        set -e
        mount -t overlay overlay -o lowerdir=\(hostRoot)/etc:/etc /etc
        mount --bind \(memberData.path) \(dataDir)
        set -a; . \(environmentFile); set +a
        exec \(etcdBinary)
        """
        let log = scratch.appendingPathComponent("\(rendered.host).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", namespace, "unshare", "--mount", "--propagation", "private", "sh", "-c", script]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return Member(name: rendered.host, process: process, log: log)
    }

    /// `etcdctl endpoint health` from inside a member's namespace with the rendered
    /// healthcheck-client certificate, retried until every endpoint answers or `seconds` pass.
    static func health(endpoints: [String], certificates: String, namespace: String, seconds: Double) throws -> ProcessOutput {
        let deadline = Date().addingTimeInterval(seconds)
        var last: ProcessOutput
        repeat {
            last = try ProcessRunner.run("/usr/sbin/ip", [
                "netns", "exec", namespace, "/usr/bin/etcdctl", "--command-timeout=3s",
                "--endpoints=\(endpoints.joined(separator: ","))", "--cacert=\(certificates)/ca.crt",
                "--cert=\(certificates)/healthcheck-client.crt", "--key=\(certificates)/healthcheck-client.key",
                "endpoint", "health",
            ], environment: ["ETCDCTL_API": "3"])
            if last.succeeded { return last }
            Thread.sleep(forTimeInterval: 0.3)
        } while Date() < deadline
        return last
    }

    // The limit catches a hang, not slowness: alone this takes ~20 s, but beside the end-to-end suites on
    // a loaded 2-core machine it took over 2 minutes.
    @Test(.enabled(if: EtcdTestNetwork.isUsable, "needs root, iproute2, etcd-server and etcd-client"), .timeLimit(.minutes(8)))
    func renderedUnitsAndPKICertificates_startAHealthyThreeMemberCluster_andAFourthMemberJoins() throws {
        let scratch = try RenderFixtures.temporaryDirectory("etcd")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let dataDir = scratch.appendingPathComponent("data").path
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let network = try EtcdTestNetwork()
        var members: [Member] = []
        defer {
            for member in members where member.process.isRunning { member.process.terminate(); member.process.waitUntilExit() }
            network.tearDown()
        }

        // Bootstrap three members from the rendered files.
        let store = PKIStore(root: scratch.appendingPathComponent("pki"))
        let three = Self.cluster(memberCount: 3, dataDir: dataDir)
        let (state, _) = try ClusterPKI.ensure(cluster: three, store: store)
        let credentials = Dictionary(uniqueKeysWithValues: three.hosts.map { ($0.name, state.credentials(for: $0)) })
        let rendered = try ClusterRenderer(library: RenderFixtures.library).render(cluster: three, credentials: credentials)
        let treeRoot = scratch.appendingPathComponent("tree")
        try RenderedTreeWriter(root: treeRoot).write(rendered)
        var namespaces: [String] = []
        for (index, host) in three.hosts.enumerated() {
            namespaces.append(try network.addMember(index: index + 1, address: host.address.description))
        }
        for (index, host) in rendered.enumerated() {
            let memberData = scratch.appendingPathComponent("member-\(host.host)")
            try FileManager.default.createDirectory(at: memberData, withIntermediateDirectories: true)
            members.append(try Self.start(host, treeRoot: treeRoot, dataDir: dataDir, memberData: memberData,
                                          namespace: namespaces[index], scratch: scratch))
        }
        let certificates = treeRoot.appendingPathComponent("etcd-1/etc/kubernetes/pki/etcd").path
        let endpoints = three.hosts.map { EtcdMemberFlags.clientURL($0, cluster: three) }
        let healthy = try Self.health(endpoints: endpoints, certificates: certificates, namespace: namespaces[0], seconds: 20)
        #expect(healthy.succeeded, "\(healthy.stdout)\(healthy.stderr)\n\(members.map { "\($0.name): \($0.output.suffix(1500))" }.joined(separator: "\n"))")
        // etcdctl 3.4 prints the per-endpoint lines on stderr.
        #expect((healthy.stdout + healthy.stderr).split(separator: "\n").filter { $0.contains("is healthy") }.count == 3)
        try #require(healthy.succeeded)

        // A fourth member: certificates from the same store, `member add`, then its rendered
        // files with initial-cluster-state=existing.
        let four = Self.cluster(memberCount: 4, dataDir: dataDir)
        let (stateFour, _) = try ClusterPKI.ensure(cluster: four, store: store)
        let joining = four.hosts[3]
        // etcd refuses a reconfiguration within ~5 s of a member starting ("unhealthy cluster"): retry.
        var add: ProcessOutput
        let addDeadline = Date().addingTimeInterval(15)
        repeat {
            add = try ProcessRunner.run("/usr/sbin/ip", [
            "netns", "exec", namespaces[0], "/usr/bin/etcdctl", "--command-timeout=5s", "--endpoints=\(endpoints[0])",
            "--cacert=\(certificates)/ca.crt", "--cert=\(certificates)/healthcheck-client.crt",
            "--key=\(certificates)/healthcheck-client.key",
            "member", "add", joining.name, "--peer-urls=\(EtcdMemberFlags.peerURL(joining, cluster: four))",
            ], environment: ["ETCDCTL_API": "3"])
            if add.succeeded || !add.stderr.contains("unhealthy cluster") { break }
            Thread.sleep(forTimeInterval: 0.5)
        } while Date() < addDeadline
        #expect(add.succeeded, "\(add.stdout)\(add.stderr)")
        let options = RenderOptions(etcdStates: [joining.name: .existing(memberNames: four.hosts.map(\.name))])
        let renderedJoin = try NodeRenderer(library: RenderFixtures.library)
            .render(cluster: four, host: joining, credentials: stateFour.credentials(for: joining), options: options)
        #expect(renderedJoin.text(NodePaths.etcdEnvironment)?.contains("ETCD_INITIAL_CLUSTER_STATE=existing") == true)
        try RenderedTreeWriter(root: treeRoot).write([renderedJoin])
        let namespace = try network.addMember(index: 4, address: joining.address.description)
        let memberData = scratch.appendingPathComponent("member-\(joining.name)")
        try FileManager.default.createDirectory(at: memberData, withIntermediateDirectories: true)
        members.append(try Self.start(renderedJoin, treeRoot: treeRoot, dataDir: dataDir, memberData: memberData,
                                      namespace: namespace, scratch: scratch))
        let allEndpoints = four.hosts.map { EtcdMemberFlags.clientURL($0, cluster: four) }
        let joined = try Self.health(endpoints: allEndpoints, certificates: certificates, namespace: namespaces[0], seconds: 20)
        #expect(joined.succeeded, "\(joined.stdout)\(joined.stderr)\n\(members.last!.output.suffix(2000))")
        #expect((joined.stdout + joined.stderr).split(separator: "\n").filter { $0.contains("is healthy") }.count == 4)
    }
}
