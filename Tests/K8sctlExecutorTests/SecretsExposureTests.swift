import Foundation
import K8sctlTestSupport
import Testing

/// No private key material in anything k8sctl prints, across a full apply on a systemd test node
/// (text and JSON), plan, render, validate, certs list/ensure/check-expiration and error paths; and
/// keys and kubeconfigs 0600 in 0700 directories, in the local PKI store and on the node.
@Suite(.serialized)
struct SecretsExposureTests {
    /// What would betray a key: PEM markers, each 64-character base64 line of every private key
    /// PEM (what a log of the file would show), and the start of the base64 of the whole PEM (what
    /// a kubeconfig's client-key-data holds).
    static func secretNeedles(in store: URL) throws -> [String] {
        // Not "client-key-data": the node check script names that field (it reads it on the node).
        var needles = ["PRIVATE KEY", "BEGIN "]
        let files = FileManager.default.enumerator(at: store, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        var keyCount = 0
        for file in files where file.pathExtension == "key" {
            let pem = try String(contentsOf: file, encoding: .utf8)
            guard pem.contains("PRIVATE KEY") else { continue }
            keyCount += 1
            needles += pem.split(separator: "\n").filter { !$0.hasPrefix("-----") && $0.count >= 40 }.map(String.init)
            needles.append(String(Data(pem.utf8).base64EncodedString().prefix(48)))
        }
        #expect(keyCount >= 10, "expected the cluster's private keys in the store, found \(keyCount)")
        return needles
    }

    static func expectNoSecrets(_ label: String, _ output: ProcessOutput, _ needles: [String]) {
        for needle in needles {
            #expect(!output.stdout.contains(needle), "\(label) stdout shows key material (\(needle.prefix(20))…)")
            #expect(!output.stderr.contains(needle), "\(label) stderr shows key material (\(needle.prefix(20))…)")
        }
    }

    @Test(.enabled(if: ApplyEndToEndTests.available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func fullRun_printsNoKeyMaterial_andKeysAreOwnerOnly() throws {
        let work = try ApplyEndToEndTests.workspace("secrets")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 1, prefix: TestNodes.uniquePrefix("e2esec")) { (cluster: TestNodeCluster) throws in
            let node = cluster.nodes[0]
            let inventory = work.appendingPathComponent("cluster.yaml")
            try ApplyEndToEndTests.inventory(name: "e2e-secrets", cluster: cluster, roles: [["control-plane", "etcd", "worker"]], artifacts: artifacts)
                .write(to: inventory, atomically: true, encoding: .utf8)
            let rendered = work.appendingPathComponent("rendered")
            var outputs: [(String, ProcessOutput)] = []

            outputs.append(("apply --output json", try K8sctlBinary.run(["apply", inventory.path, "--output", "json"])))
            #expect(outputs[0].1.status == 0, "apply failed:\n\(outputs[0].1.stdout.suffix(3000))\n\(outputs[0].1.stderr)")
            outputs.append(("apply (text, second)", try K8sctlBinary.run(["apply", inventory.path])))
            #expect(outputs[1].1.status == 0)
            outputs.append(("plan", try K8sctlBinary.run(["plan", inventory.path])))
            outputs.append(("plan -o -", try K8sctlBinary.run(["plan", inventory.path, "-o", "-"])))
            outputs.append(("render", try K8sctlBinary.run(["render", inventory.path, "--out", rendered.path])))
            outputs.append(("validate", try K8sctlBinary.run(["validate", inventory.path, "--format", "json"])))
            outputs.append(("certs list", try K8sctlBinary.run(["certs", "list", inventory.path])))
            outputs.append(("certs list json", try K8sctlBinary.run(["certs", "list", inventory.path, "-f", "json"])))
            outputs.append(("certs ensure", try K8sctlBinary.run(["certs", "ensure", inventory.path])))
            outputs.append(("certs check-expiration", try K8sctlBinary.run(["certs", "check-expiration", "--state", rendered.path])))
            outputs.append(("inventory show", try K8sctlBinary.run(["inventory", "show", inventory.path, "-f", "json"])))

            // Error paths: a host key that does not match, a malformed inventory, an unreachable host.
            let wrongKnownHosts = work.appendingPathComponent("wrong_known_hosts")
            let otherKey = work.appendingPathComponent("otherhostkey")
            try #require(try ProcessRunner.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", otherKey.path]).succeeded)
            let otherPublic = try String(contentsOf: otherKey.appendingPathExtension("pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
            try "\(node.address) \(otherPublic)\n".write(to: wrongKnownHosts, atomically: true, encoding: .utf8)
            let mismatched = work.appendingPathComponent("mismatch.yaml")
            try ApplyEndToEndTests.inventory(name: "e2e-secrets", cluster: cluster, roles: [["control-plane", "etcd", "worker"]],
                                             artifacts: artifacts, knownHosts: wrongKnownHosts.path)
                .write(to: mismatched, atomically: true, encoding: .utf8)
            let mismatch = try K8sctlBinary.run(["apply", mismatched.path, "--pki", PKIPaths.store(for: inventory).path])
            #expect(mismatch.status == 1)
            outputs.append(("apply with a mismatched host key", mismatch))
            let broken = work.appendingPathComponent("broken.yaml")
            try (String(contentsOf: inventory, encoding: .utf8) + "  bogus: [\n").write(to: broken, atomically: true, encoding: .utf8)
            let brokenRun = try K8sctlBinary.run(["apply", broken.path])
            #expect(brokenRun.status == 2)
            outputs.append(("apply with a malformed inventory", brokenRun))
            let unreachable = work.appendingPathComponent("unreachable.yaml")
            try String(contentsOf: inventory, encoding: .utf8).replacingOccurrences(of: "address: \(node.address)", with: "address: 127.0.0.1")
                .replacingOccurrences(of: "ssh: { user: root,", with: "ssh: { user: root, port: 1, connectTimeout: 2s,")
                .write(to: unreachable, atomically: true, encoding: .utf8)
            let unreachableRun = try K8sctlBinary.run(["apply", unreachable.path, "--pki", PKIPaths.store(for: inventory).path])
            #expect(unreachableRun.status != 0)
            outputs.append(("apply to an unreachable host", unreachableRun))

            let needles = try Self.secretNeedles(in: PKIPaths.store(for: inventory))
            for (label, output) in outputs { Self.expectNoSecrets(label, output, needles) }
            // The mismatch names both fingerprints (the one expected and the one presented).
            #expect(mismatch.stderr.contains("SHA256:"), "\(mismatch.stderr)")

            // Local PKI store and rendered tree: every file holding a key 0600, every directory 0700.
            for root in [try PKIPaths.store(for: inventory), rendered] {
                let listing = try ProcessRunner.run("/bin/sh", ["-c",
                    "cd \(root.path) && find . -type d ! -perm 700 -printf 'dir %m %p\\n'; " +
                    "grep -rlE 'PRIVATE KEY|client-key-data' . | xargs -r stat -c 'file %a %n' | grep -v '^file 600 '; true"])
                if root == rendered {
                    // The rendered tree mirrors the node: only key-holding files are checked there.
                    #expect(!listing.stdout.contains("file "), "\(root.path):\n\(listing.stdout)")
                } else {
                    #expect(listing.stdout.isEmpty, "\(root.path):\n\(listing.stdout)")
                }
            }
            // On the node: every file holding a private key or an embedded client key is 0600 root;
            // the PKI directories 0700.
            let onNode = try cluster.shell(node, """
                grep -rlE 'PRIVATE KEY|client-key-data' /etc/kubernetes /etc/etcd /var/lib/kubelet /var/lib/k8sctl 2>/dev/null \
                  | xargs -r stat -c '%a %U %n' | grep -v '^600 root ' ; \
                find /etc/kubernetes/pki /var/lib/kubelet/pki -type d ! -perm 700 -printf 'dir %m %p\\n' 2>/dev/null; true
                """).stdout
            #expect(onNode.isEmpty, "on the node:\n\(onNode)")
            let keyCount = try cluster.shell(node, "grep -rlE 'PRIVATE KEY' /etc/kubernetes | wc -l").stdout
            #expect((Int(keyCount.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 5, "no keys found on the node to check")
        }
    }
}

/// Where `k8sctl` keeps the local PKI store for an inventory (its default location).
enum PKIPaths {
    static func store(for inventory: URL) throws -> URL {
        let text = try String(contentsOf: inventory, encoding: .utf8)
        let name = text.split(separator: "\n").first { $0.hasPrefix("metadata:") }
            .flatMap { $0.split(separator: ":").last }?.trimmingCharacters(in: CharacterSet(charactersIn: " {}")) ?? ""
        return inventory.deletingLastPathComponent().appendingPathComponent(".k8sctl/\(name)/pki")
    }
}
