import Foundation
import K8sctlTestSupport
import Testing

/// The cluster lock across real processes on a systemd test node: a second apply while the first
/// holds it is refused naming the holder and since when; a lock left by a killed apply refuses the
/// next one until `k8sctl unlock` breaks it.
@Suite(.serialized)
struct ClusterLockEndToEndTests {
    /// Starts `k8sctl apply` in the background; the caller waits for the lock and ends it.
    static func startApply(_ inventory: URL, log: URL) throws -> Process {
        let process = Process()
        process.executableURL = K8sctlBinary.url
        process.arguments = ["apply", inventory.path]
        process.currentDirectoryURL = RepositoryPaths.root
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Watches the node for the lock's owner file from a remote loop (10 ms steps, at most 120 s),
    /// started before the apply so a short run cannot slip between two local polls.
    static func startLockWatch(_ node: TestNode) throws -> (Process, Pipe) {
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: "/usr/bin/ssh")
        watcher.arguments = TestNodeCluster.sshOptions(for: node) + ["\(node.user)@\(node.address)", "--",
            "i=0; while [ ! -s /var/lib/k8sctl/lock/owner ] && [ $i -lt 12000 ]; do sleep 0.01; i=$((i+1)); done; cat /var/lib/k8sctl/lock/owner"]
        let pipe = Pipe()
        watcher.standardOutput = pipe
        try watcher.run()
        Thread.sleep(forTimeInterval: 0.5)  // the watcher's handshake; a lock taken earlier is seen at once anyway
        return (watcher, pipe)
    }

    /// The owner line once the lock exists; it must name `pid`.
    static func waitForLock(_ watch: (Process, Pipe), pid: Int32) throws -> String {
        let owner = String(decoding: watch.1.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        watch.0.waitUntilExit()
        guard owner.contains("pid \(pid)\t") else { throw LockWaitTimeout(owner: owner) }
        return owner
    }
    struct LockWaitTimeout: Error { var owner: String }

    @Test(.enabled(if: ApplyEndToEndTests.available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func concurrentApply_isRefusedNamingTheHolder_andAKilledRunsLockIsBrokenByUnlock() throws {
        let work = try ApplyEndToEndTests.workspace("lock")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 1, prefix: TestNodes.uniquePrefix("e2elock")) { (cluster: TestNodeCluster) throws in
            let node = cluster.nodes[0]
            let inventory = work.appendingPathComponent("cluster.yaml")
            try ApplyEndToEndTests.inventory(name: "e2e-lock", cluster: cluster, roles: [["control-plane", "etcd", "worker"]], artifacts: artifacts)
                .write(to: inventory, atomically: true, encoding: .utf8)

            // 1. Two applies at once: the second is refused with holder and time, and changes nothing.
            let firstWatch = try Self.startLockWatch(node)
            let first = try Self.startApply(inventory, log: work.appendingPathComponent("first.log"))
            let owner = try Self.waitForLock(firstWatch, pid: first.processIdentifier)
            let second = try K8sctlBinary.run(["apply", inventory.path])
            #expect(second.status == 1, "\(second.stdout)\(second.stderr)")
            let since = String(owner.split(separator: "\t").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(second.stderr.contains("pid \(first.processIdentifier)"), "holder not named: \(second.stderr)")
            #expect(!since.isEmpty && second.stderr.contains(since), "time not named (\(since)): \(second.stderr)")
            #expect(second.stderr.contains("k8sctl unlock"), "\(second.stderr)")
            first.waitUntilExit()
            #expect(first.terminationStatus == 0, "the first apply failed: \((try? String(contentsOf: work.appendingPathComponent("first.log"), encoding: .utf8))?.suffix(2000) ?? "")")
            #expect(try cluster.ssh(node, ["test", "-e", "/var/lib/k8sctl/lock"]).status != 0, "the first apply left its lock")

            // 2. A run killed while holding the lock leaves it: the next apply is refused until unlock.
            try cluster.ssh(node, ["rm", "-f", "/etc/kubernetes/manifests/kube-scheduler.yaml"])  // something for the run to do
            let killedWatch = try Self.startLockWatch(node)
            let killed = try Self.startApply(inventory, log: work.appendingPathComponent("killed.log"))
            _ = try Self.waitForLock(killedWatch, pid: killed.processIdentifier)
            kill(killed.processIdentifier, SIGKILL)
            killed.waitUntilExit()
            #expect(try cluster.ssh(node, ["test", "-d", "/var/lib/k8sctl/lock"]).status == 0, "a SIGKILLed apply cannot release its lock")
            let blocked = try K8sctlBinary.run(["apply", inventory.path])
            #expect(blocked.status == 1)
            #expect(blocked.stderr.contains("pid \(killed.processIdentifier)"), "\(blocked.stderr)")

            let unlock = try K8sctlBinary.run(["unlock", inventory.path])
            #expect(unlock.status == 0, "\(unlock.stdout)\(unlock.stderr)")
            #expect(unlock.stdout.contains("\(node.name): broke the lock held by") && unlock.stdout.contains("pid \(killed.processIdentifier)"), "\(unlock.stdout)")
            #expect(try cluster.ssh(node, ["test", "-e", "/var/lib/k8sctl/lock"]).status != 0)
            let again = try K8sctlBinary.run(["unlock", inventory.path])
            #expect(again.status == 0 && again.stdout.contains("\(node.name): not locked"), "\(again.stdout)\(again.stderr)")

            let resumed = try K8sctlBinary.run(["apply", inventory.path])
            #expect(resumed.status == 0, "\(resumed.stdout.suffix(2000))\(resumed.stderr)")
            #expect(try cluster.ssh(node, ["test", "-f", "/etc/kubernetes/manifests/kube-scheduler.yaml"]).status == 0)
        }
    }
}
