import Foundation
import K8sctlTestSupport
import Testing

/// `k8sctl stop`, `start`, `reset` and `apply --remove-unreachable` on real systemd test nodes with
/// real etcd, plus the API server replacement wait: one 3-host cluster carried through every
/// operation in turn (one install keeps the suite inside the CI budget). After each step the real
/// etcd membership and health, the units and the files on the nodes are checked.
@Suite(.serialized)
struct OperationsEndToEndTests {
    static let available = ApplyEndToEndTests.available
    typealias Lifecycle = LifecycleEndToEndTests

    /// The kubelet stand-in re-reads static pods every 6 s (the real kubelet: 20 s), so a wait that
    /// trusted the first /readyz answer would finish while the old API server still runs.
    static func inventory(_ cluster: TestNodeCluster, artifacts: TestArtifactSource, apiserverVerbosity: String? = nil) -> String {
        var text = ApplyEndToEndTests.inventory(name: "ops", cluster: cluster, roles: Array(repeating: Lifecycle.cp, count: cluster.nodes.count),
                                                artifacts: artifacts)
        let apiserver = apiserverVerbosity.map { "\n  controlPlane: { extraArgs: { apiserver: { v: \"\($0)\" } } }" } ?? ""
        text = text.replacingOccurrences(of: "  pki: { keyAlgorithm: ecdsa-p256 }\n",
                                         with: "  pki: { keyAlgorithm: ecdsa-p256 }\n  kubelet: { extraArgs: { file-check-frequency: 6s } }\(apiserver)\n")
        return text.replacingOccurrences(of: "ssh: { user: root,", with: "ssh: { user: root, connectTimeout: 3s,")
    }

    static func active(_ cluster: TestNodeCluster, _ node: TestNode, _ unit: String) throws -> Bool {
        try cluster.ssh(node, ["systemctl", "is-active", unit]).stdout == "active\n"
    }

    /// The host side of the node's veth on the group's bridge (nspawn names it `vb-<machine>`).
    static func hostInterface(_ cluster: TestNodeCluster, _ node: TestNode) throws -> String {
        let links = try ProcessRunner.run("ip", ["-o", "link", "show", "master", cluster.bridge]).stdout
        let names = links.split(separator: "\n").compactMap { $0.split(separator: ":").dropFirst().first?.trimmingCharacters(in: .whitespaces) }
            .map { $0.split(separator: "@").first.map(String.init) ?? $0 }
        return try #require(names.first { $0 == "vb-" + String(node.name.prefix(12)) }, "no veth for \(node.name) in \(names)")
    }

    /// The running API server was started from the manifest now on disk (kubelet stand-in's record).
    static func apiserverRunsCurrentManifest(_ cluster: TestNodeCluster, _ node: TestNode) throws -> Bool {
        let out = try cluster.shell(node, """
            python3 -c 'import json; print(json.load(open("/run/kubelet-standin/pods.json"))["running"]["kube-apiserver.yaml"]["sha256"])'; \
            sha256sum /etc/kubernetes/manifests/kube-apiserver.yaml | cut -d" " -f1
            """).stdout.split(separator: "\n")
        return out.count == 2 && out[0] == out[1]
    }

    static func nodeReady(_ cluster: TestNodeCluster, via node: TestNode, _ name: String) throws -> Bool {
        let body = try Lifecycle.api(cluster, on: node, "GET", "/api/v1/nodes/\(name)").stdout
        return body.contains(#""type": "Ready", "status": "True""#) || body.contains(#""type":"Ready","status":"True""#)
    }

    /// The binaries the install playbook uploads (`upload-artifact`), which `k8sctl render` does not list.
    static let binaries = ["/usr/local/bin/etcd", "/usr/local/bin/etcdctl", "/usr/local/bin/containerd", "/usr/local/sbin/runc",
                           "/usr/local/bin/kubelet"]

    /// `etcdctl ARGS` on `node` against its own member, with the API server's etcd client certificate.
    static func etcdctl(_ cluster: TestNodeCluster, _ node: TestNode, _ arguments: [String]) throws -> ProcessOutput {
        try cluster.ssh(node, ["env", "ETCDCTL_API=3", "etcdctl", "--endpoints=https://\(node.address):2379",
                               "--cacert=/etc/kubernetes/pki/etcd/ca.crt", "--cert=/etc/kubernetes/pki/apiserver-etcd-client.crt",
                               "--key=/etc/kubernetes/pki/apiserver-etcd-client.key", "--command-timeout=5s"] + arguments)
    }

    /// Every path of the node's root filesystem, apart from what changes by itself (logs, caches,
    /// systemd's own state, /tmp, /run).
    static func filesystem(_ cluster: TestNodeCluster, _ node: TestNode) throws -> Set<String> {
        let out = try cluster.shell(node, "find / -xdev \\( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp "
                                    + "-o -path /var/log -o -path /var/cache -o -path /var/tmp -o -path /var/lib/systemd \\) -prune -o -print")
        guard out.succeeded || !out.stdout.isEmpty else { throw FaultTrialError("find on \(node.name) failed: \(out.stderr)") }
        return Set(out.stdout.split(separator: "\n").map(String.init))
    }

    @Test(.enabled(if: available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func stopStart_apiServerReplacement_reset_andUnreachableRemoval() throws {
        let work = try ApplyEndToEndTests.workspace("ops")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 3, prefix: TestNodes.uniquePrefix("opss")) { (cluster: TestNodeCluster) throws in
            let (n1, n2, n3) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
            let inventory = work.appendingPathComponent("cluster.yaml")
            try Lifecycle.write(Self.inventory(cluster, artifacts: artifacts), to: inventory)
            let install = try K8sctlBinary.run(["apply", inventory.path])
            try #require(install.status == 0, "install failed:\n\(install.stdout.suffix(3000))\n\(install.stderr)")

            // 1. An API server flag changes: apply returns only once every host runs the new manifest.
            try Lifecycle.write(Self.inventory(cluster, artifacts: artifacts, apiserverVerbosity: "2"), to: inventory)
            let change = try K8sctlBinary.run(["apply", inventory.path])
            #expect(change.status == 0, "config change failed:\n\(change.stdout.suffix(3000))\n\(change.stderr)")
            for node in cluster.nodes {
                #expect(try Self.apiserverRunsCurrentManifest(cluster, node), "\(node.name): apply returned while the old API server ran")
            }
            #expect(change.stdout.contains("config.hash"), "\(change.stdout.suffix(2000))")

            // 2. stop: every service down, recorded; apply refuses a stopped cluster.
            let stop = try K8sctlBinary.run(["stop", inventory.path])
            #expect(stop.status == 0, "stop failed:\n\(stop.stdout.suffix(3000))\n\(stop.stderr)")
            for node in cluster.nodes {
                for unit in ["etcd", "kubelet", "containerd"] { #expect(try !Self.active(cluster, node, unit), "\(node.name) \(unit) still active") }
                #expect(try cluster.ssh(node, ["systemctl", "is-enabled", "etcd"]).stdout == "enabled\n")
            }
            let refused = try K8sctlBinary.run(["apply", inventory.path])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("k8sctl start"), "\(refused.stderr)")
            // status says so (and does not list the stopped units as failures).
            let stoppedStatus = try K8sctlBinary.run(["status", inventory.path])
            #expect(stoppedStatus.status == 1)
            #expect(stoppedStatus.stdout.contains("stopped with `k8sctl stop`"), "\(stoppedStatus.stdout)")
            #expect(!stoppedStatus.stdout.contains("kubelet.service inactive"), "\(stoppedStatus.stdout)")

            // 3. start: etcd membership and health, every API server ready, every Node Ready.
            let start = try K8sctlBinary.run(["start", inventory.path])
            #expect(start.status == 0, "start failed:\n\(start.stdout.suffix(3000))\n\(start.stderr)")
            #expect(try Lifecycle.members(cluster, via: n1) == cluster.nodes.map { "\($0.name) started" }.sorted())
            #expect(try Lifecycle.healthyCount(cluster, via: n2, endpoints: cluster.nodes) == 3)
            for node in cluster.nodes {
                let ready = try cluster.shell(node, "curl -fsS --cacert /etc/kubernetes/pki/ca.crt --cert /etc/kubernetes/pki/apiserver-kubelet-client.crt " +
                                              "--key /etc/kubernetes/pki/apiserver-kubelet-client.key https://\(node.address):6443/readyz")
                #expect(ready.stdout == "ok", "\(node.name) readyz: \(ready.stdout)\(ready.stderr)")
                #expect(try Self.nodeReady(cluster, via: n1, node.name), "\(node.name) not Ready")
            }
            let converged = try K8sctlBinary.run(["apply", inventory.path])
            #expect(converged.status == 0 && converged.stdout.contains("converged: 0 changed"), "\(converged.stdout.suffix(2000))\(converged.stderr)")

            // status: healthy and converged (exit 0); a managed file edited by hand is drift (exit 1,
            // path named) until restored.
            let healthy = try K8sctlBinary.run(["status", inventory.path])
            #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
            #expect(healthy.stdout.contains("Healthy: every host reachable"), "\(healthy.stdout)")
            #expect(healthy.stdout.contains("Lock: free") && healthy.stdout.contains("Inventory: matches the applied revision"), "\(healthy.stdout)")
            let modules = "/etc/modules-load.d/k8s.conf"
            try cluster.shell(n2, "cp \(modules) /root/k8s.conf.orig && echo '# edited by hand' >> \(modules)")
            let drifted = try K8sctlBinary.run(["status", inventory.path, "-o", "json"])
            #expect(drifted.status == 1)
            let report = try JSONSerialization.jsonObject(with: Data(drifted.stdout.utf8)) as? [String: Any]
            let hosts = report?["hosts"] as? [[String: Any]] ?? []
            #expect(hosts.first { $0["name"] as? String == n2.name }?["driftedFiles"] as? [String] == [modules], "\(drifted.stdout.prefix(3000))")
            #expect(hosts.filter { ($0["driftedFiles"] as? [String])?.isEmpty == false }.count == 1)
            #expect((report?["attention"] as? [String])?.count == 1, "\(drifted.stdout.prefix(3000))")
            #expect(hosts.allSatisfy { $0["etcdHealthy"] as? Bool == true }, "\(drifted.stdout.prefix(3000))")
            try cluster.shell(n2, "mv /root/k8s.conf.orig \(modules)")

            // A kubelet stopped by hand is drift too: the next apply starts it (it used to stay stopped).
            try cluster.shell(n3, "systemctl stop kubelet")
            let restarted = try K8sctlBinary.run(["apply", inventory.path])
            #expect(restarted.status == 0, "\(restarted.stdout.suffix(2000))\(restarted.stderr)")
            #expect(try Self.active(cluster, n3, "kubelet"), "kubelet still stopped after apply:\n\(restarted.stdout.suffix(2000))")

            // 4. reset of a member is refused with nothing touched.
            let member = try K8sctlBinary.run(["reset", inventory.path, n1.name, "--yes"])
            #expect(member.status == 1)
            #expect(member.stderr.contains("in the inventory"), "\(member.stderr)")
            #expect(try Self.active(cluster, n1, "etcd"))

            // 5. n3 dies (its link goes down) and leaves the inventory: refused without the flag.
            let veth = try Self.hostInterface(cluster, n3)
            try ProcessRunner.run("ip", ["link", "set", veth, "down"])
            defer { _ = try? ProcessRunner.run("ip", ["link", "set", veth, "up"]) }
            let unreachable = try K8sctlBinary.run(["status", inventory.path])
            #expect(unreachable.status == 1)
            #expect(unreachable.stdout.contains("\(n3.name): unreachable"), "\(unreachable.stdout)")
            let two = try TestNodeCluster.prefixOf(cluster, 2)
            try Lifecycle.write(Self.inventory(two, artifacts: artifacts, apiserverVerbosity: "2"), to: inventory)
            let unnamed = try K8sctlBinary.run(["apply", inventory.path])
            #expect(unnamed.status == 1)
            #expect(unnamed.stderr.contains("--remove-unreachable \(n3.name)"), "\(unnamed.stderr)")
            #expect(try Lifecycle.members(cluster, via: n1).count == 3)

            let removal = try K8sctlBinary.run(["apply", inventory.path, "--remove-unreachable", n3.name])
            #expect(removal.status == 0, "removal failed:\n\(removal.stdout.suffix(4000))\n\(removal.stderr)")
            #expect(try Lifecycle.members(cluster, via: n1) == two.nodes.map { "\($0.name) started" }.sorted())
            #expect(try Lifecycle.healthyCount(cluster, via: n1, endpoints: two.nodes) == 2)
            #expect(Lifecycle.status(try Lifecycle.api(cluster, on: n1, "GET", "/api/v1/nodes/\(n3.name)")) == 404)
            let state = try cluster.ssh(n1, ["cat", "/var/lib/k8sctl/state.json"]).stdout
            #expect(state.contains("uncleanedHosts") && state.contains(n3.name), "\(state.prefix(600))")

            // 6. n3 comes back: reset it (its data moved aside, recoverable), and the state forgets it.
            try ProcessRunner.run("ip", ["link", "set", veth, "up"])
            let reset = try K8sctlBinary.run(["reset", inventory.path, n3.name, "--yes"])
            #expect(reset.status == 0, "reset failed:\n\(reset.stdout.suffix(3000))\n\(reset.stderr)")
            for unit in ["etcd", "kubelet", "containerd"] { #expect(try !Self.active(cluster, n3, unit), "\(n3.name) \(unit) still active") }
            #expect(try cluster.shell(n3, "test -d /var/lib/k8sctl-reset/*/var/lib/etcd/member && test ! -e /etc/kubernetes && test ! -e /var/lib/etcd").status == 0)
            #expect(try cluster.shell(n3, "test -s /var/lib/k8sctl-reset/*/etc/kubernetes/pki/ca.crt").status == 0)
            #expect(!(try cluster.ssh(n1, ["cat", "/var/lib/k8sctl/state.json"]).stdout.contains("uncleanedHosts")))
            #expect(Lifecycle.status(try Lifecycle.api(cluster, on: n1, "GET", "/api/v1/nodes/\(n3.name)")) == 404)
            #expect(try Lifecycle.healthyCount(cluster, via: n1, endpoints: two.nodes) == 2)

            // 7. The whole cluster: state and lock cleared, a later apply would install anew. Without
            //    --wipe-data nothing is deleted: etcd's data goes aside whole (checked in 8 by using it).
            let probe = "kept-\(UInt32.random(in: 0...UInt32.max))"
            #expect(try Self.etcdctl(cluster, n1, ["put", "k8sctl-reset-probe", probe]).stdout.contains("OK"))
            let all = try K8sctlBinary.run(["reset", inventory.path, "--all", "--yes"])
            #expect(all.status == 0, "reset --all failed:\n\(all.stdout.suffix(3000))\n\(all.stderr)")
            for node in two.nodes {
                #expect(try !Self.active(cluster, node, "etcd"))
                #expect(try cluster.shell(node, "test ! -e /var/lib/k8sctl && test -f /var/lib/k8sctl-reset/*/var/lib/k8sctl/state.json").status == 0)
                #expect(try cluster.shell(node, "test ! -e /var/lib/etcd && test -d /var/lib/k8sctl-reset/*/var/lib/etcd/member/wal "
                                          + "&& test -s /var/lib/k8sctl-reset/*/etc/kubernetes/pki/etcd/ca.key").status == 0)
            }

            // 8. The documented undo: the moved trees go back as they are (the reset's own lock,
            //    held while /var/lib/k8sctl moved, was not kept), etcd starts on its old data and
            //    still holds the key written before the reset.
            for node in two.nodes {
                let restored = try cluster.shell(node, """
                    set -e; t=$(ls -d /var/lib/k8sctl-reset/*/ | tail -n 1)
                    test -d "$t/var/lib/k8sctl"; test ! -e "$t/var/lib/k8sctl/lock"
                    cp -a "$t/." / && rm -rf "$t" && systemctl daemon-reload && systemctl start --no-block etcd
                    """)
                #expect(restored.succeeded, "\(node.name): undo failed: \(restored.stderr)")
            }
            var healthyMembers = 0
            for _ in 0..<30 where healthyMembers < 2 {
                healthyMembers = try Lifecycle.healthyCount(cluster, via: n1, endpoints: two.nodes)
                if healthyMembers < 2 { Thread.sleep(forTimeInterval: 1) }
            }
            #expect(healthyMembers == 2, "etcd did not come back on the data reset moved aside")
            let kept = try Self.etcdctl(cluster, n2, ["get", "k8sctl-reset-probe", "--print-value-only"]).stdout
            #expect(kept.trimmingCharacters(in: .whitespacesAndNewlines) == probe, "the key written before the reset: \(kept)")

            // 9. --wipe-data deletes exactly what docs/lifecycle.md lists, moves nothing aside, and
            //    leaves everything else: look-alike neighbours of each footprint path, and every
            //    other path of the node's filesystem, compared before and after.
            let rendered = try ManagedFiles.rendered(inventory, into: work.appendingPathComponent("render-reset"))
            let sentinels = ["/etc/kubernetes-keep/file", "/var/lib/etcd-keep/member", "/var/lib/k8sctl-keep", "/usr/local/bin/etcd-keep",
                             "/etc/systemd/system/keep.service", "/etc/etcd.keep"]
            var before: [String: Set<String>] = [:]
            for node in two.nodes {
                #expect(try cluster.ssh(node, ["sh", "-c", #"for p do mkdir -p "${p%/*}" && echo keep > "$p" || exit 1; done"#, "sh"] + sentinels).succeeded)
                before[node.name] = try Self.filesystem(cluster, node)
            }
            let wipe = try K8sctlBinary.run(["reset", inventory.path, "--all", "--wipe-data", "--yes"])
            #expect(wipe.status == 0 && wipe.stdout.contains("deleted"), "reset --all --wipe-data failed:\n\(wipe.stdout.suffix(3000))\n\(wipe.stderr)")
            for node in two.nodes {
                let after = try Self.filesystem(cluster, node)
                let files = rendered[node.name] ?? [:]
                #expect(!files.isEmpty, "no rendered files for \(node.name)")
                let units = files.keys.filter { $0.hasPrefix("/etc/systemd/system/") && $0.hasSuffix(".service") }.map { String($0.split(separator: "/").last!) }
                let footprint = Set(["/etc/kubernetes", "/etc/etcd", "/var/lib/kubelet", "/var/lib/kubelet.decommissioned", "/var/lib/etcd",
                                     "/var/lib/etcd.decommissioned", "/var/lib/k8sctl"]
                                    + Array(files.keys) + OperationsEndToEndTests.binaries + units.map { "/etc/systemd/system/\($0).d" })
                let removed = before[node.name, default: []].subtracting(after)
                // Disabling a unit removes its `*.wants/UNIT` links: part of "stopped and disabled".
                let undocumented = removed.filter { path in
                    !footprint.contains(where: { path == $0 || path.hasPrefix($0 + "/") })
                        && !(path.hasPrefix("/etc/systemd/system/") && path.split(separator: "/").dropLast().last?.hasSuffix(".wants") == true
                             && units.contains(String(path.split(separator: "/").last!)))
                }
                #expect(undocumented.isEmpty, "\(node.name): --wipe-data removed paths the docs do not list: \(undocumented.sorted().prefix(20))")
                let stayed = footprint.filter { after.contains($0) }
                #expect(stayed.isEmpty, "\(node.name): --wipe-data left \(stayed.sorted())")
                #expect(removed.contains("/var/lib/etcd/member/wal") && removed.contains("/etc/kubernetes/pki/ca.key"), "\(node.name): \(removed.count) removed")
                #expect(sentinels.allSatisfy(after.contains), "\(node.name): a neighbour of the footprint went")
                #expect(!after.contains { $0.hasPrefix("/var/lib/k8sctl-reset/") }, "\(node.name): --wipe-data moved something aside")
                for unit in ["etcd", "kubelet", "containerd"] {
                    #expect(try !Self.active(cluster, node, unit), "\(node.name) \(unit) still active")
                    #expect(try cluster.ssh(node, ["systemctl", "is-enabled", unit]).stdout != "enabled\n", "\(node.name) \(unit) still enabled")
                }
            }
        }
    }
}
