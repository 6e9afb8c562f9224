import Foundation
import K8sctlTestSupport
import Testing

/// `k8sctl apply --files-only` end to end on light test nodes (network namespace + sshd, no
/// systemd): the mode a fleet is staged with before a maintenance window, and the one the fleet
/// benchmark measures.
@Suite(.serialized)
struct FilesOnlyApplyTests {
    static let available = TestNodes.canBootLight && FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd")

    @Test(.enabled(if: available, "needs root, network namespaces, sshd and etcd"))
    func filesOnly_stagesEveryFile_recordsAFilesOnlyRevision_andRepairsOnlyWhatDrifted() throws {
        let work = try ApplyEndToEndTests.workspace("files-only")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 3, kind: .light, prefix: TestNodes.uniquePrefix("fonly")) { (cluster: TestNodeCluster) throws in
            let (cp, worker) = (cluster.nodes[0], cluster.nodes[1])
            let inventory = work.appendingPathComponent("cluster.yaml")
            try ApplyEndToEndTests.inventory(name: "files-only", cluster: cluster,
                                             roles: [["control-plane", "etcd"], ["worker"], ["worker"]], artifacts: artifacts)
                .write(to: inventory, atomically: true, encoding: .utf8)

            let first = try K8sctlBinary.run(["apply", inventory.path, "--files-only"])
            #expect(first.status == 0, "files-only apply failed:\n\(first.stdout.suffix(3000))\n\(first.stderr)")
            #expect(first.stdout.contains("staged (files only; services not started)"), "\(first.stdout.suffix(500))")
            #expect(first.stdout.contains("left for a full apply"))

            // Every kind of file is in place with its mode: keys, kubeconfigs, manifests, units, binaries.
            let modes = try cluster.shell(cp, "stat -c '%a %U %n' /etc/kubernetes/pki /etc/kubernetes/pki/ca.key " +
                "/etc/kubernetes/pki/etcd/server.key /etc/kubernetes/admin.conf /etc/kubernetes/manifests/kube-apiserver.yaml " +
                "/etc/systemd/system/etcd.service /usr/local/bin/etcd /etc/etcd/etcd.env").stdout
            #expect(modes == """
                700 root /etc/kubernetes/pki
                600 root /etc/kubernetes/pki/ca.key
                600 root /etc/kubernetes/pki/etcd/server.key
                600 root /etc/kubernetes/admin.conf
                600 root /etc/kubernetes/manifests/kube-apiserver.yaml
                644 root /etc/systemd/system/etcd.service
                755 root /usr/local/bin/etcd
                640 root /etc/etcd/etcd.env

                """)
            let etcdOnNode = try cluster.shell(cp, "sha256sum < /usr/local/bin/etcd").stdout.prefix(64)
            #expect(String(etcdOnNode) == artifacts.artifact("etcd")?.sha256)
            // No staging directory is left anywhere it wrote.
            let leftovers = try cluster.shell(worker, "find /etc /var/lib/kubelet /usr/local -name '.k8sctl-*' 2>/dev/null").stdout
            #expect(leftovers.isEmpty, "\(leftovers)")
            // Nothing was started: nothing listens on etcd's, the API server's or the kubelet's port
            // in the node's network namespace (light nodes share this machine's process table).
            #expect(try cluster.shell(cp, "ss -Htln | grep -E ':(2379|2380|6443|10250) ' || echo none").stdout == "none\n")

            // The revision says what happened, so the next full apply runs the plan and starts the services.
            let state = try cluster.shell(cp, "cat /var/lib/k8sctl/state.json").stdout
            #expect(state.contains("\"filesOnly\" : true"), "\(state.prefix(400))")
            #expect(state.contains("\"completed\" : false"))
            #expect(state.contains("\"revision\" : 1"))

            // Again: nothing to write, nothing recorded anew, same revision.
            let before = try cluster.shell(worker, "find /etc/kubernetes /var/lib/kubelet /usr/local/bin -type f -printf '%p %i %T@\\n' | sort").stdout
            let second = try K8sctlBinary.run(["apply", inventory.path, "--files-only"])
            #expect(second.status == 0, "\(second.stdout.suffix(2000))\(second.stderr)")
            #expect(second.stdout.contains("0 changed"), "\(second.stdout.suffix(600))")
            #expect(second.stdout.contains("(revision 1)"))
            let after = try cluster.shell(worker, "find /etc/kubernetes /var/lib/kubelet /usr/local/bin -type f -printf '%p %i %T@\\n' | sort").stdout
            #expect(before == after, "the re-run rewrote files")

            // Drift on one host (content of one file, mode of another) is repaired there only.
            _ = try cluster.shell(worker, "echo '# edited' >> /var/lib/kubelet/config.yaml; chmod 0644 /etc/kubernetes/kubelet.conf")
            let third = try K8sctlBinary.run(["apply", inventory.path, "--files-only", "--output", "json"])
            #expect(third.status == 0, "\(third.stdout.suffix(2000))\(third.stderr)")
            let changedHosts = third.stdout.split(separator: "\n")
                .filter { $0.contains("\"event\":\"step\"") && $0.contains("\"status\":\"changed\"") }
            #expect(changedHosts.count == 1 && changedHosts[0].contains("\"host\":\"\(worker.name)\""), "\(changedHosts)")
            #expect(try cluster.shell(worker, "stat -c %a /etc/kubernetes/kubelet.conf").stdout == "600\n")
            #expect(try !cluster.shell(worker, "cat /var/lib/kubelet/config.yaml").stdout.contains("# edited"))

            // --files-only with --rollback is unusable input.
            let combined = try K8sctlBinary.run(["apply", inventory.path, "--files-only", "--rollback"])
            #expect(combined.status == 2, "\(combined.stderr)")
            #expect(combined.stderr.contains("cannot be combined"))
        }
    }

    /// On a systemd node: a staged install is started by the next full apply, and once services
    /// run, a files-only change is refused with nothing written.
    @Test(.enabled(if: ApplyEndToEndTests.available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func fullApplyAfterFilesOnly_startsTheServices_andFilesOnlyThenRefusesRunningHosts() throws {
        let work = try ApplyEndToEndTests.workspace("files-only-start")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 1, prefix: TestNodes.uniquePrefix("fostart")) { (cluster: TestNodeCluster) throws in
            let node = cluster.nodes[0]
            let inventory = work.appendingPathComponent("cluster.yaml")
            let text = ApplyEndToEndTests.inventory(name: "files-only-start", cluster: cluster,
                                                    roles: [["control-plane", "etcd", "worker"]], artifacts: artifacts)
            try text.write(to: inventory, atomically: true, encoding: .utf8)

            let staged = try K8sctlBinary.run(["apply", inventory.path, "--files-only"])
            #expect(staged.status == 0, "\(staged.stdout.suffix(2000))\(staged.stderr)")
            #expect(try cluster.ssh(node, ["systemctl", "is-active", "etcd"]).stdout != "active\n", "files-only started etcd")

            let full = try K8sctlBinary.run(["apply", inventory.path])
            #expect(full.status == 0, "\(full.stdout.suffix(3000))\(full.stderr)")
            #expect(full.stdout.contains("staged files only"), "\(full.stdout.prefix(2000))")
            #expect(full.stdout.contains("converged"))
            for unit in ["etcd", "containerd", "kubelet"] {
                #expect(try cluster.ssh(node, ["systemctl", "is-active", unit]).stdout == "active\n", "\(unit) not active")
            }
            let state = try cluster.shell(node, "cat /var/lib/k8sctl/state.json").stdout
            #expect(state.contains("\"completed\" : true") && !state.contains("filesOnly"), "\(state.prefix(400))")

            // Services run now: staging a changed kubelet config there is refused, nothing written.
            try text.replacingOccurrences(of: "  pki: { keyAlgorithm: ecdsa-p256 }", with: "  pki: { keyAlgorithm: ecdsa-p256 }\n  kubelet: { maxPods: 90 }")
                .write(to: inventory, atomically: true, encoding: .utf8)
            let before = try cluster.shell(node, "sha256sum /var/lib/kubelet/config.yaml").stdout
            let refused = try K8sctlBinary.run(["apply", inventory.path, "--files-only"])
            #expect(refused.status == 1, "\(refused.stdout.suffix(1000))\(refused.stderr)")
            #expect(refused.stderr.contains("stages hosts whose services are not running"), "\(refused.stderr)")
            #expect(try cluster.shell(node, "sha256sum /var/lib/kubelet/config.yaml").stdout == before)
        }
    }
}
