import Foundation
import K8sctlTestSupport
import Testing

/// A version upgrade through `k8sctl apply` on real systemd test nodes: etcd snapshot, per-revision
/// backups, control plane first, workers in batches of 2 (cordon → drain → new kubelet → restart →
/// Ready → uncordon), a failing critical host stopping the rollout, resume, and a rollback by
/// applying the previous version again.
@Suite(.serialized)
struct UpgradeEndToEndTests {
    static let available = ApplyEndToEndTests.available

    /// Artifacts for both versions in one directory, every file pinned.
    static func artifacts(in work: URL) throws -> (directory: URL, pins: [String: [String: String]]) {
        let old = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        let new = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts-new"), kubernetesVersion: "1.31.5")
        var pins = old.sha256Pins
        for artifact in new.artifacts where pins[artifact.component]?[artifact.version] == nil {
            let target = old.directory.appendingPathComponent("\(artifact.component)/\(artifact.version)")
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: new.directory.appendingPathComponent("\(artifact.component)/\(artifact.version)/\(artifact.component)"),
                                             to: target.appendingPathComponent(artifact.component))
            pins[artifact.component, default: [:]][artifact.version] = artifact.sha256
        }
        return (old.directory, pins)
    }

    static func inventory(cluster: TestNodeCluster, version: String, artifacts: (directory: URL, pins: [String: [String: String]]),
                          etcdVersion: String, critical: String) -> String {
        var text = """
        apiVersion: k8sctl.dev/v1
        kind: Cluster
        metadata: { name: lc-upgrade }
        spec:
          kubernetes: { version: \(version) }
          etcd: { version: \(etcdVersion) }
          pki: { keyAlgorithm: ecdsa-p256 }
          rollout:
            workers: { batchSize: 2, maxFailurePercent: 50 }
          artifacts:
            source: \(artifacts.directory.path)
            sha256:

        """
        for (component, versions) in artifacts.pins.sorted(by: { $0.key < $1.key }) {
            text += "      \(component): { " + versions.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + " }\n"
        }
        text += """
          ssh: { user: root, identityFile: \(cluster.identityFile), knownHosts: \(cluster.knownHostsFile) }
          hosts:

        """
        for (index, node) in cluster.nodes.enumerated() {
            let roles = index == 0 ? "[control-plane, etcd]" : "[worker]"
            text += "    - { name: \(node.name), address: \(node.address), roles: \(roles)\(node.name == critical ? ", critical: true" : "") }\n"
        }
        return text
    }

    static func kubeletSHA(_ cluster: TestNodeCluster, _ node: TestNode) throws -> String {
        String(try cluster.ssh(node, ["sha256sum", "/usr/local/bin/kubelet"]).stdout.prefix(64))
    }

    static func unschedulable(_ cluster: TestNodeCluster, via cp: TestNode, _ node: TestNode) throws -> Bool {
        let out = try LifecycleEndToEndTests.api(cluster, on: cp, "GET", "/api/v1/nodes/\(node.name)").stdout
        return out.contains("\"unschedulable\": true") || out.contains("\"unschedulable\":true")
    }

    @Test(.enabled(if: available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func upgrade_inBatchesOfTwo_stopsAtAFailingCriticalHost_resumes_andRollsBack() throws {
        let work = try ApplyEndToEndTests.workspace("upgrade")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try Self.artifacts(in: work)
        let oldKubelet = try #require(artifacts.pins["kubelet"]?["1.31.4"])
        let newKubelet = try #require(artifacts.pins["kubelet"]?["1.31.5"])
        try #require(oldKubelet != newKubelet, "the two kubelet stand-ins are identical: the upgrade would prove nothing")
        let etcdVersion = try #require(artifacts.pins["etcd"]?.keys.first)
        try TestNodes.with(count: 5, prefix: TestNodes.uniquePrefix("lcug")) { (cluster: TestNodeCluster) throws in
            let cp = cluster.nodes[0]
            let workers = Array(cluster.nodes.dropFirst())
            let critical = workers[0]
            let inventory = work.appendingPathComponent("cluster.yaml")
            func write(_ version: String) throws {
                try Self.inventory(cluster: cluster, version: version, artifacts: artifacts, etcdVersion: etcdVersion, critical: critical.name)
                    .write(to: inventory, atomically: true, encoding: .utf8)
            }
            try write("1.31.4")
            let install = try K8sctlBinary.run(["apply", inventory.path])
            try #require(install.status == 0, "install failed:\n\(install.stdout.suffix(3000))\n\(install.stderr)")
            for node in workers { #expect(try Self.kubeletSHA(cluster, node) == oldKubelet) }

            // The critical worker's kubelet cannot restart (a drop-in whose ExecStartPre fails); the
            // running one is unaffected until then.
            try #require(try cluster.shell(critical, "mkdir -p /etc/systemd/system/kubelet.service.d && printf '[Service]\\nExecStartPre=/bin/false\\n' > /etc/systemd/system/kubelet.service.d/99-broken.conf && systemctl daemon-reload").succeeded)
            try write("1.31.5")
            let stopped = try K8sctlBinary.run(["apply", inventory.path])
            #expect(stopped.status == 1, "\(stopped.stdout.suffix(3000))")
            #expect(stopped.stdout.contains("critical host \(critical.name) failed"), "\(stopped.stdout.suffix(3000))")
            // Batches after the failing one never started: those workers are untouched and schedulable.
            let batchOf = { (node: TestNode) in workers.firstIndex { $0.name == node.name }! / 2 }
            for node in workers where batchOf(node) > batchOf(critical) {
                #expect(try Self.kubeletSHA(cluster, node) == oldKubelet, "\(node.name) was upgraded after the rollout stopped")
                #expect(try !Self.unschedulable(cluster, via: cp, node))
            }
            // The snapshot was taken before anything changed, and every host saved what it replaces.
            let snapshots = try cluster.shell(cp, "ls -l /var/backups/etcd").stdout
            #expect(snapshots.contains("before-v1.31.5.db"), "snapshots: \(snapshots)")

            // Repair the host and apply again: the rollout resumes and finishes.
            try #require(try cluster.shell(critical, "rm /etc/systemd/system/kubelet.service.d/99-broken.conf && systemctl daemon-reload").succeeded)
            let resumed = try K8sctlBinary.run(["apply", inventory.path])
            #expect(resumed.status == 0, "resume failed:\n\(resumed.stdout.suffix(4000))\n\(resumed.stderr)")
            for node in workers {
                #expect(try Self.kubeletSHA(cluster, node) == newKubelet, "\(node.name) not upgraded")
                #expect(try !Self.unschedulable(cluster, via: cp, node), "\(node.name) left cordoned")
                let saved = try cluster.ssh(node, ["sha256sum", "/var/lib/k8sctl/backup/v1.31.4/usr/local/bin/kubelet"]).stdout
                #expect(saved.hasPrefix(oldKubelet), "\(node.name): pre-upgrade kubelet not kept in the backup: \(saved)")
            }
            #expect(try LifecycleEndToEndTests.healthyCount(cluster, via: cp, endpoints: [cp]) == 1)

            // A version decrease without --rollback is a downgrade: refused, nothing touched.
            try write("1.31.4")
            let downgrade = try K8sctlBinary.run(["apply", inventory.path])
            #expect(downgrade.status == 1)
            #expect(downgrade.stderr.contains("K8S-VERSION-002"), "\(downgrade.stderr)")
            #expect(try Self.kubeletSHA(cluster, workers[1]) == newKubelet)

            // Rollback: the previous version with --rollback restores the saved files and binaries.
            let rollback = try K8sctlBinary.run(["apply", inventory.path, "--rollback"])
            #expect(rollback.status == 0, "rollback failed:\n\(rollback.stdout.suffix(4000))\n\(rollback.stderr)")
            for node in workers {
                #expect(try Self.kubeletSHA(cluster, node) == oldKubelet, "\(node.name) not rolled back")
                #expect(try cluster.ssh(node, ["systemctl", "is-active", "kubelet"]).stdout == "active\n")
                #expect(try !Self.unschedulable(cluster, via: cp, node))
            }
            #expect(try LifecycleEndToEndTests.healthyCount(cluster, via: cp, endpoints: [cp]) == 1)
        }
    }
}
