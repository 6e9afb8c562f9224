import Foundation
import K8sctlTestSupport
import Testing

/// Lifecycle changes through `k8sctl apply` on real systemd test nodes: the inventory is edited and
/// applied again, and after each step the real etcd's membership and health, the units and the files
/// on every node are checked. Drains go through the API server stand-in's Eviction API, whose
/// PodDisruptionBudget answers 429 until the budget allows.
@Suite(.serialized)
struct LifecycleEndToEndTests {
    static let available = ApplyEndToEndTests.available
    static let cp = ["control-plane", "etcd"]

    /// `etcdctl member list` as `name started` lines, sorted, through `node`.
    static func members(_ cluster: TestNodeCluster, via node: TestNode) throws -> [String] {
        let out = try cluster.shell(node, """
            ETCDCTL_API=3 etcdctl --endpoints=https://\(node.address):2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt \
            --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key \
            --command-timeout=5s member list -w simple
            """)
        return out.stdout.split(separator: "\n").map { line in
            let fields = line.components(separatedBy: ", ")
            return fields.count > 2 ? "\(fields[2]) \(fields[1])" : String(line)
        }.sorted()
    }

    static func healthyCount(_ cluster: TestNodeCluster, via node: TestNode, endpoints: [TestNode]) throws -> Int {
        let out = try ApplyEndToEndTests.etcdHealth(cluster, on: node, endpoints: endpoints.map(\.address)).stdout
        return out.components(separatedBy: "is healthy").count - 1
    }

    /// A request to the Kubernetes API from `node` with the API server's kubelet-client certificate.
    static func api(_ cluster: TestNodeCluster, on node: TestNode, _ method: String, _ path: String, body: String? = nil) throws -> ProcessOutput {
        try cluster.shell(node, "curl -sS -o /dev/stdout -w '\\n%{http_code}' --cacert /etc/kubernetes/pki/ca.crt " +
            "--cert /etc/kubernetes/pki/apiserver-kubelet-client.crt --key /etc/kubernetes/pki/apiserver-kubelet-client.key " +
            "-X \(method) -H 'Content-Type: application/json' " + (body == nil ? "" : "--data-binary @- ") +
            "https://\(node.address):6443\(path)", stdin: body)
    }

    static func status(_ output: ProcessOutput) -> Int {
        Int(output.stdout.split(separator: "\n").last.map(String.init) ?? "") ?? 0
    }

    static func write(_ text: String, to url: URL) throws { try text.write(to: url, atomically: true, encoding: .utf8) }

    @Test(.enabled(if: available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func scaleUp_oneToThreeControlPlanes_inOneEditAndOneApply() throws {
        let work = try ApplyEndToEndTests.workspace("scaleup")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 3, prefix: TestNodes.uniquePrefix("lcsu")) { (cluster: TestNodeCluster) throws in
            let inventory = work.appendingPathComponent("cluster.yaml")
            let one = try TestNodeCluster.prefixOf(cluster, 1)
            try Self.write(ApplyEndToEndTests.inventory(name: "lc-up", cluster: one, roles: [Self.cp], artifacts: artifacts), to: inventory)
            let first = try K8sctlBinary.run(["apply", inventory.path])
            try #require(first.status == 0, "first apply failed:\n\(first.stdout.suffix(3000))\n\(first.stderr)")
            let n1 = cluster.nodes[0]
            #expect(try Self.members(cluster, via: n1) == ["\(n1.name) started"])

            try Self.write(ApplyEndToEndTests.inventory(name: "lc-up", cluster: cluster, roles: [Self.cp, Self.cp, Self.cp], artifacts: artifacts),
                           to: inventory)
            let grow = try K8sctlBinary.run(["apply", inventory.path])
            #expect(grow.status == 0, "scale-up failed:\n\(grow.stdout.suffix(4000))\n\(grow.stderr)")
            for node in cluster.nodes {
                #expect(try Self.members(cluster, via: node) == cluster.nodes.map { "\($0.name) started" }.sorted(), "members seen from \(node.name)")
                #expect(try cluster.ssh(node, ["systemctl", "is-active", "etcd", "kubelet"]).stdout == "active\nactive\n")
                // The kubelet (stand-in) restarts an API server within a second of its manifest changing,
                // after apply may have returned: allow it to come back.
                var ready = try cluster.shell(node, "true")
                for _ in 0..<30 where ready.stdout != "ok" {
                    ready = try cluster.shell(node, "curl -fsS --cacert /etc/kubernetes/pki/ca.crt --cert /etc/kubernetes/pki/apiserver-kubelet-client.crt " +
                                              "--key /etc/kubernetes/pki/apiserver-kubelet-client.key https://\(node.address):6443/readyz")
                    if ready.stdout != "ok" { Thread.sleep(forTimeInterval: 1) }
                }
                #expect(ready.stdout == "ok", "\(node.name) readyz: \(ready.stdout)\(ready.stderr)")
            }
            #expect(try Self.healthyCount(cluster, via: n1, endpoints: cluster.nodes) == 3)

            let again = try K8sctlBinary.run(["apply", inventory.path])
            #expect(again.status == 0)
            #expect(again.stdout.contains("converged: 0 changed"), "\(again.stdout.suffix(2000))")
        }
    }

    @Test(.enabled(if: available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func scaleDown_fiveToThreeEtcd_movesDataAside_andThreeToOneIsRefusedUntouched() throws {
        let work = try ApplyEndToEndTests.workspace("scaledown")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 5, prefix: TestNodes.uniquePrefix("lcsd")) { (cluster: TestNodeCluster) throws in
            let inventory = work.appendingPathComponent("cluster.yaml")
            try Self.write(ApplyEndToEndTests.inventory(name: "lc-down", cluster: cluster, roles: Array(repeating: Self.cp, count: 5),
                                                        artifacts: artifacts), to: inventory)
            let install = try K8sctlBinary.run(["apply", inventory.path])
            try #require(install.status == 0, "install failed:\n\(install.stdout.suffix(3000))\n\(install.stderr)")
            let n1 = cluster.nodes[0]
            #expect(try Self.members(cluster, via: n1).count == 5)

            let three = try TestNodeCluster.prefixOf(cluster, 3)
            try Self.write(ApplyEndToEndTests.inventory(name: "lc-down", cluster: three, roles: Array(repeating: Self.cp, count: 3),
                                                        artifacts: artifacts), to: inventory)
            let shrink = try K8sctlBinary.run(["apply", inventory.path])
            #expect(shrink.status == 0, "scale-down failed:\n\(shrink.stdout.suffix(4000))\n\(shrink.stderr)")
            #expect(try Self.members(cluster, via: n1) == three.nodes.map { "\($0.name) started" }.sorted())
            #expect(try Self.healthyCount(cluster, via: n1, endpoints: three.nodes) == 3)
            for gone in cluster.nodes.suffix(2) {
                #expect(try cluster.ssh(gone, ["systemctl", "is-active", "etcd"]).stdout != "active\n", "\(gone.name) etcd still runs")
                #expect(try cluster.ssh(gone, ["systemctl", "is-enabled", "etcd"]).stdout != "enabled\n")
                // Moved aside, not deleted: the member's data is still there to recover from.
                #expect(try cluster.ssh(gone, ["test", "-d", "/var/lib/etcd.decommissioned/member"]).status == 0, "\(gone.name) data dir not kept")
                #expect(try cluster.ssh(gone, ["test", "-e", "/var/lib/etcd"]).status != 0)
                #expect(try cluster.ssh(gone, ["test", "-d", "/etc/kubernetes/manifests.decommissioned"]).status == 0)
            }

            let again = try K8sctlBinary.run(["apply", inventory.path])
            #expect(again.status == 0)
            #expect(again.stdout.contains("converged: 0 changed"), "\(again.stdout.suffix(2000))")

            // 3 → 1 in one change would lose quorum: refused before anything is touched.
            let before = try cluster.shell(n1, "find /etc/kubernetes /etc/etcd /var/lib/etcd -printf '%p %T@\\n' | sort").stdout
            let one = try TestNodeCluster.prefixOf(cluster, 1)
            try Self.write(ApplyEndToEndTests.inventory(name: "lc-down", cluster: one, roles: [Self.cp], artifacts: artifacts), to: inventory)
            let refused = try K8sctlBinary.run(["apply", inventory.path])
            #expect(refused.status == 1, "\(refused.stdout.suffix(2000))\(refused.stderr)")
            #expect(refused.stderr.contains("nothing was changed"), "\(refused.stderr)")
            #expect(try Self.members(cluster, via: n1) == three.nodes.map { "\($0.name) started" }.sorted())
            #expect(try Self.healthyCount(cluster, via: n1, endpoints: three.nodes) == 3)
            for node in three.nodes.dropFirst() {
                #expect(try cluster.ssh(node, ["systemctl", "is-active", "etcd"]).stdout == "active\n")
            }
            let after = try cluster.shell(n1, "find /etc/kubernetes /etc/etcd /var/lib/etcd -printf '%p %T@\\n' | sort").stdout
            // etcd's own WAL/snapshot files change on their own; the managed configuration must not.
            let managed = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("/var/lib/etcd") } }
            #expect(managed(before) == managed(after))

            // Replacing a member in one change, {n1, n2, n3} → {n1, n2, n4}: n4 (removed above, its
            // data moved aside) joins while n3 is still a member, so it must start with etcd's own
            // member list, not the inventory's (before the fix: "member count is unequal", every retry).
            var replaced = cluster
            replaced.nodes = [cluster.nodes[0], cluster.nodes[1], cluster.nodes[3]]
            try Self.write(ApplyEndToEndTests.inventory(name: "lc-down", cluster: replaced, roles: Array(repeating: Self.cp, count: 3),
                                                        artifacts: artifacts), to: inventory)
            let replace = try K8sctlBinary.run(["apply", inventory.path])
            #expect(replace.status == 0, "replacement failed:\n\(replace.stdout.suffix(4000))\n\(replace.stderr)")
            #expect(try Self.members(cluster, via: n1) == replaced.nodes.map { "\($0.name) started" }.sorted())
            #expect(try Self.healthyCount(cluster, via: n1, endpoints: replaced.nodes) == 3)
            #expect(try cluster.ssh(cluster.nodes[2], ["systemctl", "is-active", "etcd"]).stdout != "active\n", "n3 etcd still runs")
            let settled = try K8sctlBinary.run(["apply", inventory.path])
            #expect(settled.stdout.contains("converged: 0 changed"), "\(settled.stdout.suffix(2000))")

            // Replacing a dead member in one change, {n1, n2, n4} with n2 down → {n1, n3, n4}: etcd
            // adds no member while one is down, so n2 must be removed first (before the fix the plan
            // added n3 first and etcd refused: apply exit 1, cluster unchanged).
            let n2 = cluster.nodes[1]
            try #require(try cluster.ssh(n2, ["systemctl", "stop", "etcd"]).succeeded)
            var revived = cluster
            revived.nodes = [cluster.nodes[0], cluster.nodes[2], cluster.nodes[3]]
            try Self.write(ApplyEndToEndTests.inventory(name: "lc-down", cluster: revived, roles: Array(repeating: Self.cp, count: 3),
                                                        artifacts: artifacts), to: inventory)
            let deadReplaced = try K8sctlBinary.run(["apply", inventory.path])
            #expect(deadReplaced.status == 0, "replacing a dead member failed:\n\(deadReplaced.stdout.suffix(4000))\n\(deadReplaced.stderr)")
            #expect(deadReplaced.stdout.contains("etcd members down and leaving: \(n2.name)"), "\(deadReplaced.stdout.suffix(3000))")
            print("dead member replaced: " + (deadReplaced.stdout.split(separator: "\n").last { $0.contains(" changed") }.map(String.init) ?? "?"))
            #expect(try Self.members(cluster, via: n1) == revived.nodes.map { "\($0.name) started" }.sorted())
            #expect(try Self.healthyCount(cluster, via: n1, endpoints: revived.nodes) == 3)
            #expect(try cluster.ssh(n2, ["systemctl", "is-enabled", "etcd"]).stdout != "enabled\n", "n2 etcd still enabled")
            let settledAgain = try K8sctlBinary.run(["apply", inventory.path])
            #expect(settledAgain.stdout.contains("converged: 0 changed"), "\(settledAgain.stdout.suffix(2000))")
        }
    }

    @Test(.enabled(if: available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func workerScaleDown_drainsThroughEvictions_retryingWhileABudgetRefuses() throws {
        let work = try ApplyEndToEndTests.workspace("drain")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 3, prefix: TestNodes.uniquePrefix("lcdr")) { (cluster: TestNodeCluster) throws in
            let (n1, n2, n3) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
            let inventory = work.appendingPathComponent("cluster.yaml")
            try Self.write(ApplyEndToEndTests.inventory(name: "lc-drain", cluster: cluster, roles: [Self.cp, ["worker"], ["worker"]],
                                                        artifacts: artifacts), to: inventory)
            let install = try K8sctlBinary.run(["apply", inventory.path])
            try #require(install.status == 0, "install failed:\n\(install.stdout.suffix(3000))\n\(install.stderr)")

            // A pod on the leaving worker, one on the staying one, and a budget that needs both.
            func pod(_ name: String, on node: TestNode) -> String {
                #"{"metadata":{"name":"\#(name)","labels":{"app":"web"}},"spec":{"nodeName":"\#(node.name)"}}"#
            }
            #expect(Self.status(try Self.api(cluster, on: n1, "POST", "/api/v1/namespaces/shop/pods", body: pod("web-1", on: n3))) == 201)
            #expect(Self.status(try Self.api(cluster, on: n1, "POST", "/api/v1/namespaces/shop/pods", body: pod("web-2", on: n2))) == 201)
            let pdb = #"{"metadata":{"name":"web"},"spec":{"minAvailable":2,"selector":{"matchLabels":{"app":"web"}}}}"#
            #expect(Self.status(try Self.api(cluster, on: n1, "POST", "/apis/policy/v1/namespaces/shop/poddisruptionbudgets", body: pdb)) == 201)

            let two = try TestNodeCluster.prefixOf(cluster, 2)
            try Self.write(ApplyEndToEndTests.inventory(name: "lc-drain", cluster: two, roles: [Self.cp, ["worker"]], artifacts: artifacts),
                           to: inventory)
            let result = LockedBox<ProcessOutput?>(nil)
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                result.set(try? K8sctlBinary.run(["apply", inventory.path]))
                done.signal()
            }
            // Wait until the drain has cordoned the node and met the budget's refusal, then make room.
            var cordoned = false
            for _ in 0..<120 where !cordoned {
                let node = try Self.api(cluster, on: n1, "GET", "/api/v1/nodes/\(n3.name)").stdout
                cordoned = node.contains("\"unschedulable\": true") || node.contains("\"unschedulable\":true")
                if !cordoned { Thread.sleep(forTimeInterval: 1) }
            }
            #expect(cordoned, "the leaving worker was never cordoned")
            Thread.sleep(forTimeInterval: 5)
            #expect(Self.status(try Self.api(cluster, on: n1, "GET", "/api/v1/namespaces/shop/pods/web-1")) == 200,
                    "web-1 was evicted although the budget forbids it")
            #expect(Self.status(try Self.api(cluster, on: n1, "POST", "/api/v1/namespaces/shop/pods", body: pod("web-3", on: n2))) == 201)
            #expect(done.wait(timeout: .now() + 600) == .success, "apply did not finish")
            let shrink = try #require(result.get())
            #expect(shrink.status == 0, "scale-down failed:\n\(shrink.stdout.suffix(4000))\n\(shrink.stderr)")
            #expect(shrink.stdout.contains("refused by a PodDisruptionBudget and retried"), "\(shrink.stdout.suffix(3000))")

            #expect(Self.status(try Self.api(cluster, on: n1, "GET", "/api/v1/namespaces/shop/pods/web-1")) == 404)
            #expect(Self.status(try Self.api(cluster, on: n1, "GET", "/api/v1/namespaces/shop/pods/web-2")) == 200)
            #expect(try cluster.ssh(n3, ["systemctl", "is-active", "kubelet"]).stdout != "active\n")
            // Its Node is gone from the API (deleted after the kubelet stopped, so it stays gone).
            #expect(Self.status(try Self.api(cluster, on: n1, "GET", "/api/v1/nodes/\(n3.name)")) == 404)
            #expect(Self.status(try Self.api(cluster, on: n1, "GET", "/api/v1/nodes/\(n2.name)")) == 200)
            #expect(try cluster.ssh(n3, ["test", "-d", "/var/lib/kubelet.decommissioned"]).status == 0)
            #expect(try cluster.ssh(n2, ["systemctl", "is-active", "kubelet"]).stdout == "active\n")
            #expect(try Self.members(cluster, via: n1) == ["\(n1.name) started"])
            #expect(try Self.healthyCount(cluster, via: n1, endpoints: [n1]) == 1)
        }
    }
}

extension TestNodeCluster {
    /// The same cluster seen with only its first `count` nodes (the inventory after a scale-down).
    static func prefixOf(_ cluster: TestNodeCluster, _ count: Int) throws -> TestNodeCluster {
        var copy = cluster
        copy.nodes = Array(cluster.nodes.prefix(count))
        return copy
    }
}
