import Foundation
import K8sctlTestSupport
import Testing

/// Inventory values that are legal and full of shell metacharacters (extraArgs values: a component
/// parses them, k8sctl never does) reach the node as the exact bytes the component receives, after a
/// real `k8sctl apply` on a systemd test node, and nothing in them is ever executed.
/// The refused side (names, labels, taints, paths…) is `MetacharacterCorpusTests` in the inventory tests.
@Suite(.serialized)
struct MetacharacterApplyTests {
    static let marker = "/tmp/k8sctl-pwned"

    /// Every shell metacharacter, both command substitutions, quotes, a backslash, a lone `;`
    /// (systemd's command separator), systemd's specifier `%n` and variables, and unicode.
    static let payload = "x;touch \(marker)-1 ; $(touch \(marker)-2)`touch \(marker)-3`|touch \(marker)-4&>\(marker)-5<'\"\\ ünïcødé %n $HOME ${IFS} *"

    static func yamlQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// No marker anywhere on the node's root file system, nor on this machine.
    static func expectNoMarker(_ cluster: TestNodeCluster, _ node: TestNode) throws {
        let found = try cluster.shell(node, "find / -xdev -name 'k8sctl-pwned*' 2>/dev/null; ls -d /tmp/k8sctl-pwned* 2>/dev/null; true").stdout
        #expect(found.isEmpty, "a metacharacter was executed on the node: \(found)")
        let local = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp"))?.filter { $0.hasPrefix("k8sctl-pwned") } ?? []
        #expect(local.isEmpty, "a metacharacter was executed locally: \(local)")
    }

    /// The argv of a unit's main process, read from /proc, split on NUL.
    static func mainProcessArguments(_ cluster: TestNodeCluster, _ node: TestNode, unit: String) throws -> [String] {
        let encoded = try cluster.shell(node, "pid=$(systemctl show -p MainPID --value \(unit)); base64 -w0 /proc/$pid/cmdline").stdout
        let bytes = try #require(Data(base64Encoded: encoded.trimmingCharacters(in: .whitespacesAndNewlines)))
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The environment of a unit's main process.
    static func mainProcessEnvironment(_ cluster: TestNodeCluster, _ node: TestNode, unit: String) throws -> [String] {
        let encoded = try cluster.shell(node, "pid=$(systemctl show -p MainPID --value \(unit)); base64 -w0 /proc/$pid/environ").stdout
        let bytes = try #require(Data(base64Encoded: encoded.trimmingCharacters(in: .whitespacesAndNewlines)))
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A static pod's container command, parsed by PyYAML (an independent YAML parser) from the
    /// manifest as it is on the node.
    static func staticPodCommand(_ cluster: TestNodeCluster, _ node: TestNode, _ name: String) throws -> [String] {
        let manifest = try cluster.ssh(node, ["cat", "/etc/kubernetes/manifests/\(name).yaml"])
        try #require(manifest.succeeded, "\(manifest.stderr)")
        let parsed = try ProcessRunner.run("/usr/bin/python3", ["-c",
            "import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)['spec']['containers'][0]['command']))"],
            stdin: manifest.stdout)
        try #require(parsed.succeeded, "\(parsed.stderr)")
        return try JSONDecoder().decode([String].self, from: Data(parsed.stdout.utf8))
    }

    static func inventory(_ base: String, adding lines: String) -> String {
        base.replacingOccurrences(of: "spec:\n", with: "spec:\n" + lines)
    }

    @Test(.enabled(if: ApplyEndToEndTests.available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func flagValuesWithMetacharacters_reachTheNodeLiterally_andNothingRuns() throws {
        let work = try ApplyEndToEndTests.workspace("meta")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 1, prefix: TestNodes.uniquePrefix("e2emeta")) { (cluster: TestNodeCluster) throws in
            let node = cluster.nodes[0]
            let q = Self.yamlQuoted(Self.payload)
            let text = Self.inventory(
                ApplyEndToEndTests.inventory(name: "e2e-meta", cluster: cluster, roles: [["control-plane", "etcd", "worker"]], artifacts: artifacts),
                adding: """
                  controlPlane: { extraArgs: { controllerManager: { kube-api-content-type: \(q) }, scheduler: { leader-elect-resource-name: \(q) } } }
                  kubelet: { extraArgs: { provider-id: \(q) } }

                """)
            let inventory = work.appendingPathComponent("cluster.yaml")
            try text.write(to: inventory, atomically: true, encoding: .utf8)

            let apply = try K8sctlBinary.run(["apply", inventory.path])
            #expect(apply.status == 0, "apply failed:\n\(apply.stdout.suffix(3000))\n\(apply.stderr)")

            // Static pod manifests: the container command holds the flag byte for byte.
            #expect(try Self.staticPodCommand(cluster, node, "kube-controller-manager").contains("--kube-api-content-type=\(Self.payload)"))
            #expect(try Self.staticPodCommand(cluster, node, "kube-scheduler").contains("--leader-elect-resource-name=\(Self.payload)"))
            // The kubelet unit: systemd parsed the drop-in and started the process with exactly this argument.
            let kubeletArguments = try Self.mainProcessArguments(cluster, node, unit: "kubelet")
            #expect(kubeletArguments.contains("--provider-id=\(Self.payload)"), "kubelet argv: \(kubeletArguments)")
            try Self.expectNoMarker(cluster, node)
        }
    }

    /// etcd reads its flags from an EnvironmentFile, which systemd parses with its own quoting rules.
    @Test(.enabled(if: ApplyEndToEndTests.available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func etcdFlagValueWithMetacharacters_reachesEtcdsEnvironmentLiterally() throws {
        let work = try ApplyEndToEndTests.workspace("metaetcd")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 1, prefix: TestNodes.uniquePrefix("e2emetaetcd")) { (cluster: TestNodeCluster) throws in
            let node = cluster.nodes[0]
            let text = ApplyEndToEndTests.inventory(name: "e2e-metaetcd", cluster: cluster, roles: [["control-plane", "etcd", "worker"]], artifacts: artifacts)
                .replacingOccurrences(of: "  etcd: { version: ", with: "  etcd: { extraArgs: { initial-cluster-token: \(Self.yamlQuoted(Self.payload)) }, version: ")
            let inventory = work.appendingPathComponent("cluster.yaml")
            try text.write(to: inventory, atomically: true, encoding: .utf8)

            let apply = try K8sctlBinary.run(["apply", inventory.path])
            #expect(apply.status == 0, "apply failed:\n\(apply.stdout.suffix(3000))\n\(apply.stderr)")
            let environment = try Self.mainProcessEnvironment(cluster, node, unit: "etcd")
            #expect(environment.contains("ETCD_INITIAL_CLUSTER_TOKEN=\(Self.payload)"),
                    "etcd saw: \(environment.filter { $0.hasPrefix("ETCD_INITIAL_CLUSTER_TOKEN") })")
            try Self.expectNoMarker(cluster, node)
        }
    }
}
