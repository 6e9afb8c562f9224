import Foundation
import Testing
import K8sctlTestSupport

/// Smoke tests of the test-node harness itself: real systemd-nspawn nodes, real sshd, real teardown.
/// They run serially: each boots its own prefix, but two boots at once would only compete for 2 cores.
@Suite(.serialized)
struct TestNodeHarnessTests {
    @Test(.enabled(if: TestNodes.canBoot, "needs root, systemd-nspawn and debootstrap (see docs/test-nodes.md)"))
    func twoNspawnNodes_runSystemdAsPID1_andAnswerSSHWithStrictHostKeys() throws {
        let cluster = try TestNodes.boot(count: 2, kind: .nspawn, prefix: TestNodes.uniquePrefix("smoke"))
        defer { try? cluster.shutdown() }
        #expect(cluster.nodes.map(\.name) == ["\(cluster.prefix)-1", "\(cluster.prefix)-2"])
        for node in cluster.nodes {
            let state = try cluster.ssh(node, ["systemctl", "is-system-running", "--wait"])
            #expect(state.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "running",
                    "\(node.name): \(state.stdout) \(state.stderr)")
            let pid1 = try cluster.ssh(node, ["cat", "/proc/1/comm"])
            #expect(pid1.stdout == "systemd\n")
            let hostname = try cluster.ssh(node, ["hostname"])
            #expect(hostname.stdout == node.name + "\n")
            let sshd = try cluster.ssh(node, ["systemctl", "is-active", "ssh.service"])
            #expect(sshd.stdout == "active\n")
        }
        // Each node has its own identity: machine-id and host keys differ.
        let ids = try cluster.nodes.map { try cluster.ssh($0, ["cat", "/etc/machine-id"]).stdout }
        #expect(Set(ids).count == 2)
        // Nodes reach each other over the bridge.
        let ping = try cluster.shell(cluster.nodes[0], "exec 3<>/dev/tcp/\(cluster.nodes[1].address)/22 && head -c 7 <&3")
        #expect(ping.stdout == "SSH-2.0")
        // `become: sudo` works for the non-root user.
        var tester = cluster.nodes[0]
        tester.user = "tester"
        #expect(try cluster.ssh(tester, ["sudo", "-n", "id", "-u"]).stdout == "0\n")
    }

    @Test(.enabled(if: TestNodes.canBoot, "needs root, systemd-nspawn and debootstrap (see docs/test-nodes.md)"))
    func unknownHostKey_isRefusedByStrictChecking() throws {
        try TestNodes.with(count: 1, prefix: TestNodes.uniquePrefix("hostkey")) { (cluster: TestNodeCluster) throws in
            var node = cluster.nodes[0]
            let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty_known_hosts_\(getpid())")
            try Data().write(to: empty)
            defer { try? FileManager.default.removeItem(at: empty) }
            node.knownHostsFile = empty.path
            let refused = try cluster.ssh(node, ["true"])
            #expect(refused.status == 255)
            #expect(refused.stderr.contains("Host key verification failed"))
        }
    }

    @Test(.enabled(if: TestNodes.canBoot, "needs root, systemd-nspawn and debootstrap (see docs/test-nodes.md)"))
    func shutdown_removesProcessesMountsAndBridge_andRunsTwice() throws {
        let cluster = try TestNodes.boot(count: 1, kind: .nspawn, prefix: TestNodes.uniquePrefix("teardown"))
        try cluster.shutdown()
        try cluster.shutdown()
        let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
        #expect(!mounts.contains("/var/lib/k8sctl-testnodes/\(cluster.prefix)/"))
        let links = try ProcessRunner.run("ip", ["-o", "link", "show"]).stdout
        #expect(!links.contains(cluster.bridge + ":"))
        #expect(!FileManager.default.fileExists(atPath: cluster.stateDirectory))
        #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/systemd/k8sctl-testnodes/\(cluster.prefix)"))
        let leftover = try ProcessRunner.run("/bin/sh", ["-c", "ps -eo stat,args | grep -v '^Z' | grep -c '[n]spawn.*-M \(cluster.prefix)-' || true"])
        #expect(leftover.stdout == "0\n")
    }

    @Test(.enabled(if: TestNodes.canBoot, "needs root, systemd-nspawn and debootstrap (see docs/test-nodes.md)"))
    func failedUp_tearsDownWhatItStarted_andSaysWhy() throws {
        // A zero boot timeout: the nodes start but cannot answer ssh in time, so `up` must fail and clean up.
        let prefix = TestNodes.uniquePrefix("failup")
        let failed = try ProcessRunner.run("/bin/bash", [TestNodes.script.path, "up", "--nodes", "2", "--name", prefix],
                                           environment: ["TESTNODES_BOOT_TIMEOUT": "0"])
        defer { _ = try? ProcessRunner.run("/bin/bash", [TestNodes.script.path, "down", "--name", prefix]) }
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("no ssh answer within 0s"), "\(failed.stderr)")
        #expect(failed.stderr.contains("up failed; tearing down \(prefix)"))
        #expect(!failed.stderr.contains("warning:"), "\(failed.stderr)")
        let mounts = try String(contentsOfFile: "/proc/mounts", encoding: .utf8)
        #expect(!mounts.contains("/var/lib/k8sctl-testnodes/\(prefix)/"))
        #expect(!FileManager.default.fileExists(atPath: "/run/k8sctl-testnodes/\(prefix)"))
        let bridges = try ProcessRunner.run("ip", ["-o", "link", "show", "type", "bridge"]).stdout
        #expect(!bridges.contains("k8sctl-testnodes:\(prefix)"), "\(failed.stderr)")
        let leftover = try ProcessRunner.run("/bin/sh", ["-c", "ps -eo stat,args | grep -v '^Z' | grep -c '[n]spawn.*-M \(prefix)-' || true"])
        #expect(leftover.stdout == "0\n", "\(failed.stderr)")
    }

    @Test(.enabled(if: TestNodes.canBootLight, "needs root, iproute2 and sshd (see docs/test-nodes.md)"))
    func lightNodes_answerSSH_withPrivateEtcUsrLocalAndHostname() throws {
        try TestNodes.with(count: 3, kind: .light, prefix: TestNodes.uniquePrefix("lite")) { (cluster: TestNodeCluster) throws in
            #expect(cluster.nodes.count == 3)
            for node in cluster.nodes {
                #expect(try cluster.ssh(node, ["hostname"]).stdout == node.name + "\n")
            }
            // Writes under /etc stay in the node's overlay, not on this machine.
            let node = cluster.nodes[0]
            #expect(try cluster.shell(node, "mkdir -p /etc/kubernetes && echo x > /etc/kubernetes/probe").succeeded)
            #expect(!FileManager.default.fileExists(atPath: "/etc/kubernetes/probe"))
            #expect(try cluster.ssh(cluster.nodes[1], ["test", "-e", "/etc/kubernetes/probe"]).status == 1)
            // So do binaries installed under /usr/local and /opt.
            let probe = "/usr/local/bin/k8sctl-light-probe-\(getpid())"
            #expect(try cluster.shell(node, "echo x > \(probe) && mkdir -p /opt/cni/bin && touch /opt/cni/bin/probe").succeeded)
            #expect(!FileManager.default.fileExists(atPath: probe))
            #expect(try cluster.ssh(node, ["test", "-e", probe]).status == 0)
            #expect(try cluster.ssh(cluster.nodes[1], ["test", "-e", probe]).status == 1)
            // Each node has its own /dev: replacing /dev/null in a node leaves this machine's alone.
            #expect(try cluster.shell(node, "rm /dev/null && echo x > /dev/null").succeeded)
            let hostNull = try ProcessRunner.run("stat", ["-c", "%F", "/dev/null"]).stdout
            #expect(hostNull == "character special file\n")
        }
    }
}
