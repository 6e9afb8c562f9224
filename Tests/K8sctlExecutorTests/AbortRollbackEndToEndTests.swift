import Foundation
import K8sctlTestSupport
import Testing

/// `k8sctl abort` and `k8sctl rollback` on real systemd test nodes with real etcd: an upgrade of
/// 1 control plane + 4 workers in batches of 1 aborted from another process mid-rollout (every host
/// fully old or fully new, none cordoned, the state saying where it stopped), resumed by applying
/// again (hosts done are skipped), then rolled back without editing the inventory — after a
/// refused rollback (a host's backups missing) that touched nothing.
@Suite(.serialized)
struct AbortRollbackEndToEndTests {
    /// Managed path → sha256 per host, from `k8sctl state pull -f json`.
    struct PulledState: Decodable {
        struct Stop: Decodable {
            var reason: String
            var batchIndex: Int
            var batchName: String
            var batchCount: Int
            var hostsDone: [String]
            var hostsPending: [String]
            var abortedBy: String?
            var abortedAt: String?
            var immediate: Bool
        }
        var revision: Int
        var completed: Bool
        var files: [String: [String: String]]
        var rolloutStop: Stop?
        var inventory: String
    }

    static func pull(_ inventory: URL) throws -> PulledState {
        let out = try K8sctlBinary.run(["state", "pull", inventory.path, "-f", "json"])
        guard out.status == 0 else { throw PullFailed(output: out.stderr) }
        return try JSONDecoder().decode(PulledState.self, from: Data(out.stdout.utf8))
    }
    struct PullFailed: Error { var output: String }

    /// sha256 of each path on the node ("absent" when missing).
    static func checksums(_ cluster: TestNodeCluster, _ node: TestNode, _ paths: [String]) throws -> [String: String] {
        let out = try cluster.shell(node, paths.map { "printf '%s ' '\($0)'; sha256sum < '\($0)' 2>/dev/null | cut -c1-64 || echo absent" }.joined(separator: "; ")).stdout
        var sums: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { sums[parts[0]] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return sums
    }

    /// Starts `k8sctl ARGS --output json` in the background, output to `log`.
    static func start(_ arguments: [String], log: URL) throws -> (Process, FileHandle) {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = K8sctlBinary.url
        process.arguments = arguments + ["--output", "json"]
        process.currentDirectoryURL = RepositoryPaths.root
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, handle)
    }

    /// Waits until `log` contains `text` while `process` runs.
    static func wait(for text: String, in log: URL, while process: Process) -> Bool {
        for _ in 0..<3000 {
            if let content = try? String(contentsOf: log, encoding: .utf8), content.contains(text) { return true }
            if !process.isRunning { return false }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    @Test(.enabled(if: ApplyEndToEndTests.available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func upgradeAbortedMidRollout_resumes_thenRollsBackWithoutEditingTheInventory() throws {
        let work = try ApplyEndToEndTests.workspace("abort-rollback")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try UpgradeEndToEndTests.artifacts(in: work)
        let oldKubelet = try #require(artifacts.pins["kubelet"]?["1.31.4"])
        let newKubelet = try #require(artifacts.pins["kubelet"]?["1.31.5"])
        try #require(oldKubelet != newKubelet)
        let etcdVersion = try #require(artifacts.pins["etcd"]?.keys.first)
        try TestNodes.with(count: 5, prefix: TestNodes.uniquePrefix("lcab")) { (cluster: TestNodeCluster) throws in
            let cp = cluster.nodes[0]
            let workers = Array(cluster.nodes.dropFirst())
            let inventory = work.appendingPathComponent("cluster.yaml")
            func write(_ version: String) throws {
                let text = UpgradeEndToEndTests.inventory(cluster: cluster, version: version, artifacts: artifacts, etcdVersion: etcdVersion, critical: "")
                    .replacingOccurrences(of: "batchSize: 2", with: "batchSize: 1")
                try #require(text.contains("batchSize: 1"))
                try text.write(to: inventory, atomically: true, encoding: .utf8)
            }
            try write("1.31.4")
            // Phase times are printed (not asserted): figures for the docs on a loaded machine.
            var phaseStart = Date()
            func phase(_ name: String) {
                print(String(format: "phase %@: %.1fs", name, Date().timeIntervalSince(phaseStart)))
                phaseStart = Date()
            }
            let install = try K8sctlBinary.run(["apply", inventory.path])
            try #require(install.status == 0, "install failed:\n\(install.stdout.suffix(3000))\n\(install.stderr)")
            let installed = try Self.pull(inventory)

            phase("install")
            // 1. Upgrade in the background; abort from another process once the first worker batch runs.
            try write("1.31.5")
            let log = work.appendingPathComponent("upgrade.log")
            let (upgrade, handle) = try Self.start(["apply", inventory.path], log: log)
            let reached = Self.wait(for: "\"name\":\"upgrade: workers 1/4\"", in: log, while: upgrade)
            let abort = try K8sctlBinary.run(["abort", inventory.path])
            upgrade.waitUntilExit()
            try handle.close()
            let upgradeLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            try #require(reached, "the upgrade never reached the first worker batch:\n\(upgradeLog.suffix(3000))")
            #expect(abort.status == 0, "abort: \(abort.stdout)\(abort.stderr)")
            #expect(abort.stdout.contains("asked the apply held by") && abort.stdout.contains("pid \(upgrade.processIdentifier)"), "\(abort.stdout)")
            #expect(upgrade.terminationStatus == 1, "\(upgradeLog.suffix(3000))")
            #expect(upgradeLog.contains("aborted by"), "\(upgradeLog.suffix(3000))")

            // Where it stopped, as the state records it.
            let stopped = try Self.pull(inventory)
            #expect(!stopped.completed)
            let stop = try #require(stopped.rolloutStop, "no stop record")
            #expect(stop.reason.contains("aborted by") && stop.abortedBy != nil && stop.abortedAt != nil, "\(stop)")
            #expect(!stop.immediate)
            #expect(stop.batchName.hasPrefix("upgrade: workers"), "\(stop)")
            #expect(stop.hostsDone.contains(cp.name) && stop.hostsDone.contains(workers[0].name), "\(stop)")
            #expect(stop.hostsPending.contains(workers[3].name), "batch 4 ran although the abort came during batch 1: \(stop)")
            #expect(Set(stop.hostsDone + stop.hostsPending) == Set(cluster.nodes.map(\.name)))
            print("abort: stopped after \(stop.batchName) (batch \(stop.batchIndex) of \(stop.batchCount)); done \(stop.hostsDone), pending \(stop.hostsPending)")

            // Every worker fully on one revision: all managed files and the kubelet binary.
            for node in workers {
                let old = try #require(installed.files[node.name]), new = try #require(stopped.files[node.name])
                let sums = try Self.checksums(cluster, node, Array(Set(old.keys).union(new.keys)).sorted())
                let kubelet = try UpgradeEndToEndTests.kubeletSHA(cluster, node)
                let onOld = old.allSatisfy { sums[$0.key] == $0.value } && kubelet == oldKubelet
                let onNew = new.allSatisfy { sums[$0.key] == $0.value } && kubelet == newKubelet
                #expect(onNew == stop.hostsDone.contains(node.name) && onOld == stop.hostsPending.contains(node.name),
                        "\(node.name) is neither fully old nor fully new (kubelet \(kubelet.prefix(12))): \(sums)")
                #expect(try !UpgradeEndToEndTests.unschedulable(cluster, via: cp, node), "\(node.name) left cordoned")
            }
            #expect(try cluster.ssh(cp, ["test", "-e", "/var/lib/k8sctl/lock"]).status != 0, "lock left behind")
            #expect(try cluster.ssh(cp, ["test", "-e", "/var/lib/k8sctl/abort"]).status != 0, "abort request left behind")

            // Nothing runs now: abort says so.
            let idle = try K8sctlBinary.run(["abort", inventory.path])
            #expect(idle.status == 1 && idle.stderr.contains("no apply is running"), "\(idle.stdout)\(idle.stderr)")

            phase("upgrade until aborted")
            // 2. Resume, interrupted by Ctrl-C in its first batch (when two or more are left): that batch
            // finishes, the stop is recorded with the hosts done before and now.
            var done = stop.hostsDone
            var stoppedRevision = stopped.revision
            if stop.hostsPending.count >= 2 {
                let interruptLog = work.appendingPathComponent("interrupted.log")
                let (interrupted, interruptHandle) = try Self.start(["apply", inventory.path], log: interruptLog)
                let started = Self.wait(for: "\"event\":\"batch-started\"", in: interruptLog, while: interrupted)
                kill(interrupted.processIdentifier, SIGINT)
                interrupted.waitUntilExit()
                try interruptHandle.close()
                let text = (try? String(contentsOf: interruptLog, encoding: .utf8)) ?? ""
                try #require(started, "the resumed apply started no batch:\n\(text.suffix(3000))")
                #expect(text.contains("resuming revision \(stopped.revision)"), "\(text.prefix(3000))")
                #expect(interrupted.terminationStatus == 1, "\(text.suffix(3000))")
                let again = try Self.pull(inventory)
                let second = try #require(again.rolloutStop, "no stop record after Ctrl-C")
                #expect(second.abortedBy?.contains("Ctrl-C") == true, "\(second)")
                #expect(Set(stop.hostsDone).isSubset(of: Set(second.hostsDone)) && second.hostsDone.count > stop.hostsDone.count, "\(second)")
                #expect(!second.immediate)
                for node in workers {
                    let onNew = try UpgradeEndToEndTests.kubeletSHA(cluster, node) == newKubelet
                    #expect(onNew == second.hostsDone.contains(node.name), "\(node.name): kubelet does not match the stop record \(second)")
                    #expect(try !UpgradeEndToEndTests.unschedulable(cluster, via: cp, node), "\(node.name) left cordoned after Ctrl-C")
                }
                print("Ctrl-C: stopped after \(second.batchName); done \(second.hostsDone), pending \(second.hostsPending)")
                done = second.hostsDone
                stoppedRevision = again.revision
            }

            phase("resume interrupted by Ctrl-C")
            // 3. Resume to the end: hosts done are skipped, the rest upgraded.
            let resumed = try K8sctlBinary.run(["apply", inventory.path])
            #expect(resumed.status == 0, "resume failed:\n\(resumed.stdout.suffix(4000))\n\(resumed.stderr)")
            #expect(resumed.stdout.contains("resuming revision \(stoppedRevision)"), "\(resumed.stdout.prefix(3000))")
            for name in done {
                #expect(!resumed.stdout.contains(" \(name) › "), "\(name) was done but ran steps again:\n\(resumed.stdout.suffix(4000))")
            }
            for node in workers {
                #expect(try UpgradeEndToEndTests.kubeletSHA(cluster, node) == newKubelet, "\(node.name) not upgraded")
                #expect(try !UpgradeEndToEndTests.unschedulable(cluster, via: cp, node))
            }
            let upgraded = try Self.pull(inventory)
            #expect(upgraded.completed && upgraded.rolloutStop == nil)

            phase("resume to the end")
            // 4. Refused rollback: one worker's backups are missing. Exit 2, nothing touched.
            let victim = workers[2]
            try #require(try cluster.ssh(victim, ["mv", "/var/lib/k8sctl/backup/v1.31.4", "/var/lib/k8sctl/backup-aside"]).succeeded)
            let before = try workers.map { try UpgradeEndToEndTests.kubeletSHA(cluster, $0) }
            let refused = try K8sctlBinary.run(["rollback", inventory.path])
            #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("missing on \(victim.name)") && refused.stderr.contains("nothing was changed"), "\(refused.stderr)")
            #expect(try workers.map { try UpgradeEndToEndTests.kubeletSHA(cluster, $0) } == before)
            #expect(try Self.pull(inventory).revision == upgraded.revision)
            let noSuch = try K8sctlBinary.run(["rollback", inventory.path, "--to", "99"])
            #expect(noSuch.status == 2 && noSuch.stderr.contains("revision 99 does not exist"), "\(noSuch.stderr)")
            let listed = (1...upgraded.revision).map(String.init).joined(separator: ", ")
            #expect(noSuch.stderr.contains("revisions \(listed) (current: \(upgraded.revision))"), "\(noSuch.stderr)")
            try #require(try cluster.ssh(victim, ["mv", "/var/lib/k8sctl/backup-aside", "/var/lib/k8sctl/backup/v1.31.4"]).succeeded)

            phase("refused rollbacks")
            // 5. Rollback with the inventory still saying 1.31.5: back to revision 1's files and binaries.
            let rollback = try K8sctlBinary.run(["rollback", inventory.path])
            #expect(rollback.status == 0, "rollback failed:\n\(rollback.stdout.suffix(4000))\n\(rollback.stderr)")
            #expect(rollback.stdout.contains("revision \(upgraded.revision) (Kubernetes 1.31.5"), "\(rollback.stdout.prefix(2000))")
            #expect(rollback.stdout.contains("→ revision 1 (Kubernetes 1.31.4"), "\(rollback.stdout.prefix(2000))")
            let rolledBack = try Self.pull(inventory)
            #expect(rolledBack.completed && rolledBack.revision == upgraded.revision + 1)
            #expect(rolledBack.inventory.contains("version: 1.31.4"))
            for node in workers {
                #expect(try UpgradeEndToEndTests.kubeletSHA(cluster, node) == oldKubelet, "\(node.name) not rolled back")
                #expect(try cluster.ssh(node, ["systemctl", "is-active", "kubelet"]).stdout == "active\n")
                #expect(try !UpgradeEndToEndTests.unschedulable(cluster, via: cp, node))
                let old = try #require(installed.files[node.name])
                let sums = try Self.checksums(cluster, node, old.keys.sorted())
                for (path, sha) in old { #expect(sums[path] == sha, "\(node.name): \(path) not back to revision 1") }
            }
            #expect(try LifecycleEndToEndTests.healthyCount(cluster, via: cp, endpoints: [cp]) == 1)
            #expect(try cluster.ssh(cp, ["systemctl", "is-active", "etcd"]).stdout == "active\n")
            phase("rollback")
        }
    }
}
