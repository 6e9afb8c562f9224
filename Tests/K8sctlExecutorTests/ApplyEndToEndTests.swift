import Foundation
import K8sctlTestSupport
import Testing

/// `k8sctl apply` end to end, as a user runs it, onto real systemd test nodes (systemd-nspawn, sshd).
///
/// Real: sshd and the SSH transport, systemd units, etcd/etcdctl 3.4 (Debian) formed from the
/// rendered units and certificates, TLS everywhere, the file system. Stand-ins (Tests/standins):
/// the kubelet, kube-apiserver (health against the real etcd; Node registration) and containerd.
@Suite(.serialized)
struct ApplyEndToEndTests {
    static let available = TestNodes.canBoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd")

    /// An inventory for `cluster`'s nodes with `roles` per node, its artifact pins, and SSH settings.
    static func inventory(name: String, cluster: TestNodeCluster, roles: [[String]], artifacts: TestArtifactSource,
                          knownHosts: String? = nil, hostSSH: [String: String] = [:]) -> String {
        var text = """
        apiVersion: k8sctl.dev/v1
        kind: Cluster
        metadata: { name: \(name) }
        spec:
          kubernetes: { version: 1.31.4 }
          etcd: { version: \(artifacts.artifact("etcd")!.version) }
          pki: { keyAlgorithm: ecdsa-p256 }
          artifacts:
            source: \(artifacts.directory.path)
            sha256:

        """
        for artifact in artifacts.artifacts {
            text += "      \(artifact.component): { \"\(artifact.version)\": \(artifact.sha256) }\n"
        }
        text += """
          ssh: { user: root, identityFile: \(cluster.identityFile), knownHosts: \(knownHosts ?? cluster.knownHostsFile) }
          hosts:

        """
        for (node, nodeRoles) in zip(cluster.nodes, roles) {
            let ssh = hostSSH[node.name].map { ", ssh: { identityFile: \($0) }" } ?? ""
            text += "    - { name: \(node.name), address: \(node.address), roles: [\(nodeRoles.joined(separator: ", "))]\(ssh) }\n"
        }
        return text
    }

    static func workspace(_ name: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-e2e-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func etcdHealth(_ cluster: TestNodeCluster, on node: TestNode, endpoints: [String]) throws -> ProcessOutput {
        try cluster.shell(node, """
            ETCDCTL_API=3 etcdctl --endpoints=\(endpoints.map { "https://\($0):2379" }.joined(separator: ",")) \
            --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt \
            --key=/etc/kubernetes/pki/etcd/healthcheck-client.key --command-timeout=5s endpoint health 2>&1
            """)
    }

    @Test(.enabled(if: available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func singleNode_installsConverges_andASecondApplyChangesNothing() throws {
        let work = try Self.workspace("single")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 1, prefix: TestNodes.uniquePrefix("e2eone")) { (cluster: TestNodeCluster) throws in
            let node = cluster.nodes[0]
            let inventory = work.appendingPathComponent("cluster.yaml")
            try Self.inventory(name: "e2e-one", cluster: cluster, roles: [["control-plane", "etcd", "worker"]], artifacts: artifacts)
                .write(to: inventory, atomically: true, encoding: .utf8)

            let first = try K8sctlBinary.run(["apply", inventory.path])
            #expect(first.status == 0, "first apply failed:\n\(first.stdout.suffix(3000))\n\(first.stderr)")
            #expect(first.stdout.contains("converged"))

            // Real etcd, formed from the rendered unit and certificates, answers with the rendered client cert.
            let health = try Self.etcdHealth(cluster, on: node, endpoints: [node.address])
            #expect(health.stdout.contains("is healthy"), "\(health.stdout)")
            for unit in ["etcd", "containerd", "kubelet"] {
                #expect(try cluster.ssh(node, ["systemctl", "is-active", unit]).stdout == "active\n", "\(unit) not active")
            }
            // Modes: private keys and kubeconfigs 0600, the PKI directory 0700.
            let modes = try cluster.shell(node, "stat -c '%a %U %n' /etc/kubernetes/pki /etc/kubernetes/pki/ca.key " +
                                          "/etc/kubernetes/pki/etcd/server.key /etc/kubernetes/admin.conf /etc/kubernetes/kubelet.conf " +
                                          "/etc/kubernetes/manifests/kube-apiserver.yaml /var/lib/k8sctl/state.json").stdout
            #expect(modes == """
                700 root /etc/kubernetes/pki
                600 root /etc/kubernetes/pki/ca.key
                600 root /etc/kubernetes/pki/etcd/server.key
                600 root /etc/kubernetes/admin.conf
                600 root /etc/kubernetes/kubelet.conf
                600 root /etc/kubernetes/manifests/kube-apiserver.yaml
                600 root /var/lib/k8sctl/state.json

                """)
            // The API server stand-in is ready against the real etcd and the kubelet stand-in registered the Node.
            let node1 = try cluster.shell(node, "curl -fsS --cacert /etc/kubernetes/pki/ca.crt " +
                "--cert /etc/kubernetes/pki/apiserver-kubelet-client.crt --key /etc/kubernetes/pki/apiserver-kubelet-client.key " +
                "https://\(node.address):6443/api/v1/nodes/\(node.name)")
            #expect(node1.stdout.contains("\"name\": \"\(node.name)\"") || node1.stdout.contains("\"name\":\"\(node.name)\""), "\(node1.stdout)\(node1.stderr)")

            // The applied state lives on the cluster: a runner with no local files can read it back
            // and validate the next change against it.
            let pulled = work.appendingPathComponent("last-applied.yaml")
            let pull = try K8sctlBinary.run(["state", "pull", inventory.path, "-o", pulled.path])
            #expect(pull.status == 0, "\(pull.stderr)")
            let applied = try String(contentsOf: pulled, encoding: .utf8)
            #expect(applied.hasPrefix("# Applied revision "))
            #expect(applied.contains("name: \(node.name)"))
            let gate = try K8sctlBinary.run(["validate", inventory.path, "--previous", pulled.path])
            #expect(gate.status == 0, "\(gate.stdout)\(gate.stderr)")

            let before = try cluster.shell(node, "find /etc/kubernetes /etc/etcd /var/lib/kubelet /etc/systemd/system -type f -printf '%p %i %T@\\n' | sort").stdout
            let second = try K8sctlBinary.run(["apply", inventory.path])
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            #expect(second.stdout.contains("converged: 0 changed"), "\(second.stdout)")
            let after = try cluster.shell(node, "find /etc/kubernetes /etc/etcd /var/lib/kubelet /etc/systemd/system -type f -printf '%p %i %T@\\n' | sort").stdout
            #expect(before == after, "the second apply rewrote files")
        }
    }

    @Test(.enabled(if: available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func threeControlPlanesAndTwoWorkers_install_withAnRSAKeyHostOverOpenSSH() throws {
        let work = try Self.workspace("ha")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 5, prefix: TestNodes.uniquePrefix("e2eha")) { (cluster: TestNodeCluster) throws in
            // ha-5 is reached with an RSA key: libssh2 1.10 cannot sign with it, so k8sctl uses OpenSSH.
            let rsaKey = work.appendingPathComponent("id_rsa").path
            try #require(try ProcessRunner.run("ssh-keygen", ["-q", "-t", "rsa", "-b", "3072", "-N", "", "-f", rsaKey]).succeeded)
            let rsaNode = cluster.nodes[4]
            try #require(try cluster.shell(rsaNode, "cat >> /root/.ssh/authorized_keys",
                                           stdin: try String(contentsOfFile: rsaKey + ".pub", encoding: .utf8)).succeeded)
            let inventory = work.appendingPathComponent("cluster.yaml")
            let cp = ["control-plane", "etcd"]
            try Self.inventory(name: "e2e-ha", cluster: cluster, roles: [cp, cp, cp, ["worker"], ["worker"]], artifacts: artifacts,
                               hostSSH: [rsaNode.name: rsaKey])
                .write(to: inventory, atomically: true, encoding: .utf8)

            let apply = try K8sctlBinary.run(["apply", inventory.path])
            #expect(apply.status == 0, "apply failed:\n\(apply.stdout.suffix(4000))\n\(apply.stderr)")
            #expect(apply.stdout.contains("connected \(rsaNode.name) via openssh"), "\(apply.stdout.prefix(2000))")

            let members = cluster.nodes.prefix(3).map(\.address)
            let health = try Self.etcdHealth(cluster, on: cluster.nodes[0], endpoints: members)
            #expect(health.stdout.components(separatedBy: "is healthy").count - 1 == 3, "\(health.stdout)")
            for worker in cluster.nodes.suffix(2) {
                #expect(try cluster.ssh(worker, ["systemctl", "is-active", "kubelet"]).stdout == "active\n")
                #expect(try cluster.ssh(worker, ["test", "-e", "/etc/kubernetes/pki/ca.key"]).status != 0, "a worker got the CA key")
            }
            let again = try K8sctlBinary.run(["apply", inventory.path])
            #expect(again.status == 0)
            #expect(again.stdout.contains("converged: 0 changed"), "\(again.stdout.suffix(1500))")
        }
    }

    @Test(.enabled(if: available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func unknownHostKey_isRefusedUnderStrict_andNothingIsWritten() throws {
        let work = try Self.workspace("hostkey")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 1, prefix: TestNodes.uniquePrefix("e2ekey")) { (cluster: TestNodeCluster) throws in
            let emptyKnownHosts = work.appendingPathComponent("known_hosts")
            try Data().write(to: emptyKnownHosts)
            let inventory = work.appendingPathComponent("cluster.yaml")
            try Self.inventory(name: "e2e-key", cluster: cluster, roles: [["control-plane", "etcd", "worker"]], artifacts: artifacts,
                               knownHosts: emptyKnownHosts.path)
                .write(to: inventory, atomically: true, encoding: .utf8)
            let apply = try K8sctlBinary.run(["apply", inventory.path])
            #expect(apply.status == 1)
            #expect(apply.stderr.contains("nothing was changed"), "\(apply.stderr)")
            #expect(apply.stderr.contains("known_hosts") || apply.stdout.contains("known_hosts"), "\(apply.stdout)\(apply.stderr)")
            #expect(try cluster.ssh(cluster.nodes[0], ["test", "-e", "/var/lib/k8sctl"]).status != 0)
            #expect(try cluster.ssh(cluster.nodes[0], ["test", "-e", "/etc/kubernetes"]).status != 0)
        }
    }
}
