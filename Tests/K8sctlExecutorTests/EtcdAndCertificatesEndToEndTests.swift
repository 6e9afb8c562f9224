import Foundation
import K8sctlTestSupport
import Testing

/// `k8sctl etcd snapshot|restore` and `k8sctl certs check-expiration|renew`, plus renewal during
/// `apply`, on one 3-member cluster of real systemd test nodes with the real etcd (one install
/// serves every phase: the CI budget). After each phase the real etcd's data, membership and
/// health, the API server's /readyz and the certificates on the nodes (openssl) are checked.
@Suite(.serialized)
struct EtcdAndCertificatesEndToEndTests {
    static let available = ApplyEndToEndTests.available
    static let cp = ["control-plane", "etcd"]

    static func etcdctl(_ cluster: TestNodeCluster, _ node: TestNode, _ arguments: String) throws -> ProcessOutput {
        try cluster.shell(node, """
            ETCDCTL_API=3 etcdctl --endpoints=https://\(node.address):2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt \
            --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key \
            --command-timeout=5s \(arguments)
            """)
    }

    /// Whole days until the certificate in `path` on `node` expires, by openssl on the node. For a
    /// kubeconfig, its embedded client certificate.
    static func daysLeft(_ cluster: TestNodeCluster, _ node: TestNode, _ path: String) throws -> Int {
        let source = path.hasSuffix(".conf")
            ? "sed -n 's/^ *client-certificate-data: *//p' \(path) | base64 -d"
            : "cat \(path)"
        let out = try cluster.shell(node, "\(source) | openssl x509 -noout -enddate | cut -d= -f2")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "MMM d HH:mm:ss yyyy 'GMT'"
        let text = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "  ", with: " ")
        guard let date = formatter.date(from: text) else { throw TestNodeError.scriptFailed(arguments: [path], status: out.status, stderr: out.stdout + out.stderr) }
        return Int(date.timeIntervalSinceNow / 86_400)
    }

    static func ready(_ cluster: TestNodeCluster, _ node: TestNode) throws -> Bool {
        for _ in 0..<30 {
            let out = try cluster.shell(node, "curl -fsS --cacert /etc/kubernetes/pki/ca.crt --cert /etc/kubernetes/pki/apiserver-kubelet-client.crt " +
                                        "--key /etc/kubernetes/pki/apiserver-kubelet-client.key https://\(node.address):6443/readyz")
            if out.stdout == "ok" { return true }
            Thread.sleep(forTimeInterval: 1)
        }
        return false
    }

    static func expectHealthy(_ cluster: TestNodeCluster, _ phase: String) throws {
        let n1 = cluster.nodes[0]
        #expect(try LifecycleEndToEndTests.members(cluster, via: n1) == cluster.nodes.map { "\($0.name) started" }.sorted(), "\(phase): members")
        #expect(try LifecycleEndToEndTests.healthyCount(cluster, via: n1, endpoints: cluster.nodes) == 3, "\(phase): etcd health")
        for node in cluster.nodes { #expect(try ready(cluster, node), "\(phase): \(node.name) /readyz") }
    }

    @Test(.enabled(if: available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func snapshotRestore_thenCertificateRenewal_byCommandAndDuringApply() throws {
        let work = try ApplyEndToEndTests.workspace("etcdcerts")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 3, prefix: TestNodes.uniquePrefix("etcrt")) { (cluster: TestNodeCluster) throws in
            let inventory = work.appendingPathComponent("cluster.yaml")
            let base = ApplyEndToEndTests.inventory(name: "etc-crt", cluster: cluster, roles: [Self.cp, Self.cp, Self.cp], artifacts: artifacts)
            func write(validity: Int, renewBefore: Int) throws {
                try base.replacingOccurrences(of: "pki: { keyAlgorithm: ecdsa-p256 }",
                                              with: "pki: { keyAlgorithm: ecdsa-p256, certificateValidityDays: \(validity), renewBeforeDays: \(renewBefore) }")
                    .write(to: inventory, atomically: true, encoding: .utf8)
            }
            // Short-lived certificates, as a user can ask for: 10 days, never renewed automatically.
            try write(validity: 10, renewBefore: 0)
            let install = try K8sctlBinary.run(["apply", inventory.path])
            try #require(install.status == 0, "install failed:\n\(install.stdout.suffix(3000))\n\(install.stderr)")
            let n1 = cluster.nodes[0]

            // --- etcd snapshot, pulled here ---
            #expect(try Self.etcdctl(cluster, n1, "put /k8sctl-e2e/before-snapshot kept").succeeded)
            let pulled = work.appendingPathComponent("pulled")
            try FileManager.default.createDirectory(at: pulled, withIntermediateDirectories: true)
            let snapshot = try K8sctlBinary.run(["etcd", "snapshot", inventory.path, "--pull", pulled.path, "--name", "e2e.db"])
            try #require(snapshot.status == 0, "snapshot failed:\n\(snapshot.stdout.suffix(3000))\n\(snapshot.stderr)")
            #expect(snapshot.stdout.contains("snapshot \(n1.name):/var/backups/etcd/e2e.db"), "\(snapshot.stdout)")
            let local = pulled.appendingPathComponent("e2e.db")
            let attributes = try FileManager.default.attributesOfItem(atPath: local.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let localSum = try ProcessRunner.run("sha256sum", [local.path]).stdout.split(separator: " ").first.map(String.init) ?? "?"
            #expect(snapshot.stdout.contains("sha256 \(localSum)"), "\(snapshot.stdout)")
            let onHost = try cluster.ssh(n1, ["sha256sum", "/var/backups/etcd/e2e.db"]).stdout
            #expect(onHost.hasPrefix(localSum))
            #expect(try Self.etcdctl(cluster, n1, "put /k8sctl-e2e/after-snapshot lost").succeeded)

            // --- refusals leave everything untouched (exit 2) ---
            let missing = try K8sctlBinary.run(["etcd", "restore", inventory.path, "/var/backups/etcd/no-such.db", "--yes"])
            #expect(missing.status == 2, "\(missing.stdout)\(missing.stderr)")
            #expect(missing.stderr.contains("no such file on any etcd member"), "\(missing.stderr)")
            let corrupt = work.appendingPathComponent("corrupt.db")
            var bytes = try [UInt8](Data(contentsOf: local))
            for index in stride(from: 4096, to: min(bytes.count, 40_000), by: 97) { bytes[index] ^= 0x5a }
            try Data(bytes).write(to: corrupt)
            let refused = try K8sctlBinary.run(["etcd", "restore", inventory.path, corrupt.path, "--yes"])
            #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("nothing was changed") || refused.stderr.contains("not a usable") || refused.stderr.contains("does not restore"),
                    "\(refused.stderr)")
            #expect(try Self.etcdctl(cluster, n1, "get /k8sctl-e2e/after-snapshot --print-value-only").stdout == "lost\n")
            for node in cluster.nodes {
                #expect(try cluster.ssh(node, ["test", "-e", "/var/lib/etcd.k8sctl-restore"]).status != 0, "\(node.name): staged restore left behind")
                #expect(try cluster.ssh(node, ["test", "-f", "/etc/kubernetes/manifests/kube-apiserver.yaml"]).status == 0)
                #expect(try cluster.shell(node, "ls /var/backups/etcd/restore-*.db 2>/dev/null").stdout.isEmpty, "\(node.name): refused upload left behind")
            }
            let unconfirmed = try K8sctlBinary.run(["etcd", "restore", inventory.path, local.path])
            #expect(unconfirmed.status == 2 && unconfirmed.stderr.contains("--yes"), "\(unconfirmed.stderr)")

            // --- etcd restore from the local copy ---
            let restore = try K8sctlBinary.run(["etcd", "restore", inventory.path, local.path, "--yes"])
            try #require(restore.status == 0, "restore failed:\n\(restore.stdout.suffix(4000))\n\(restore.stderr)")
            #expect(try Self.etcdctl(cluster, n1, "get /k8sctl-e2e/before-snapshot --print-value-only").stdout == "kept\n")
            #expect(try Self.etcdctl(cluster, n1, "get /k8sctl-e2e/after-snapshot --print-value-only").stdout == "")
            for node in cluster.nodes {
                let aside = try cluster.shell(node, "ls -d /var/lib/etcd.before-restore-*/member").stdout
                #expect(!aside.isEmpty, "\(node.name): previous data directory not kept")
                #expect(try Self.etcdctl(cluster, node, "get /k8sctl-e2e/before-snapshot --print-value-only").stdout == "kept\n", "\(node.name)")
            }
            try Self.expectHealthy(cluster, "after restore")

            // --- certificates on the hosts: every leaf expires within 30 days ---
            let check = try K8sctlBinary.run(["certs", "check-expiration", inventory.path, "--within", "30", "--fail-on", "expiring", "-f", "json"])
            #expect(check.status == 1, "\(check.stdout.suffix(2000))\(check.stderr)")
            let rows = ((try? JSONSerialization.jsonObject(with: Data(check.stdout.utf8))) as? [String: Any])?["certificates"] as? [[String: Any]] ?? []
            #expect(Set(rows.compactMap { $0["host"] as? String }) == Set(cluster.nodes.map(\.name)))
            #expect(rows.contains { $0["path"] as? String == "/etc/kubernetes/kubelet.conf#client-certificate-data" && $0["status"] as? String == "expiring" })
            #expect(rows.filter { $0["isAuthority"] as? Bool == true }.allSatisfy { $0["status"] as? String == "ok" })
            #expect(!check.stdout.contains("PRIVATE KEY") && !check.stdout.contains("client-key-data"))

            // --- certs renew: three certificates, 100 days from now, etcd members one at a time ---
            try write(validity: 100, renewBefore: 0)
            let renew = try K8sctlBinary.run(["certs", "renew", inventory.path, "etcd-server", "etcd-peer", "apiserver"])
            try #require(renew.status == 0, "renew failed:\n\(renew.stdout.suffix(4000))\n\(renew.stderr)")
            let etcdRestarts = renew.stdout.split(separator: "\n").filter { $0.contains("restart-etcd") }
            #expect(etcdRestarts.count == 3, "\(renew.stdout)")
            for node in cluster.nodes {
                #expect(try Self.daysLeft(cluster, node, "/etc/kubernetes/pki/etcd/server.crt") >= 99, "\(node.name) etcd server")
                #expect(try Self.daysLeft(cluster, node, "/etc/kubernetes/pki/etcd/peer.crt") >= 99, "\(node.name) etcd peer")
                #expect(try Self.daysLeft(cluster, node, "/etc/kubernetes/pki/apiserver.crt") >= 99, "\(node.name) apiserver")
                #expect(try Self.daysLeft(cluster, node, "/etc/kubernetes/kubelet.conf") <= 10, "\(node.name) kubelet.conf renewed unasked")
                // The running API server serves the new certificate.
                let served = try cluster.shell(node, "echo | openssl s_client -connect \(node.address):6443 2>/dev/null | openssl x509 -noout -enddate")
                #expect(served.stdout.contains(String(Calendar(identifier: .gregorian).component(.year, from: Date().addingTimeInterval(100 * 86_400)))),
                        "\(node.name) serves \(served.stdout)")
            }
            try Self.expectHealthy(cluster, "after certs renew")

            // --- renewal during apply: everything within 30 days of expiry is re-issued and rolled out ---
            try write(validity: 100, renewBefore: 30)
            let auto = try K8sctlBinary.run(["apply", inventory.path])
            try #require(auto.status == 0, "apply with renewal failed:\n\(auto.stdout.suffix(4000))\n\(auto.stderr)")
            #expect(auto.stdout.contains("renewed within spec.pki.renewBeforeDays"), "\(auto.stdout.prefix(3000))")
            // Each host's certificate files were written: one `changed` each, and a new revision.
            #expect(auto.stdout.contains("converged: 3 changed") && auto.stdout.contains("(revision 2)"), "\(auto.stdout.suffix(600))")
            for node in cluster.nodes {
                #expect(try Self.daysLeft(cluster, node, "/etc/kubernetes/kubelet.conf") >= 99, "\(node.name) kubelet.conf")
                #expect(try Self.daysLeft(cluster, node, "/etc/kubernetes/pki/etcd/healthcheck-client.crt") >= 99, "\(node.name) healthcheck-client")
                #expect(try Self.daysLeft(cluster, node, "/etc/kubernetes/pki/apiserver-etcd-client.crt") >= 99, "\(node.name) apiserver-etcd-client")
            }
            try Self.expectHealthy(cluster, "after apply with renewal")
            let again = try K8sctlBinary.run(["apply", inventory.path])
            #expect(again.status == 0)
            #expect(again.stdout.contains("converged: 0 changed"), "\(again.stdout.suffix(2000))")
            let clean = try K8sctlBinary.run(["certs", "check-expiration", inventory.path, "--within", "30", "--fail-on", "expiring"])
            #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        }
    }
}
