import Foundation
import K8sctlTestSupport
import Testing

/// Faults injected into a running `k8sctl apply` on 3 systemd test nodes (control plane + etcd each,
/// real etcd): the SSH connection dropped on the node side (the sshd processes serving k8sctl's
/// connection killed), the remote command killed (everything the session runs), the remote file
/// writer killed mid-write, or every sshd of the node killed (systemd restarts the listener). Each trial is derived from one seed: the kind
/// (fresh install or a configuration change that restarts etcd and kubelet), the fault, the node,
/// and the point: after the k-th step event of the run's own event stream.
///
/// After each trial: every managed path on every node holds the old or the new content (from
/// `k8sctl render` of both inventories), no temp file is left and nothing but managed manifests is
/// in the static-pod directory, etcd answered with quorum throughout (polled from this machine),
/// the next apply converges, and one more apply changes nothing.
///
/// `K8SCTL_FAULT_SEED` (default 0x5eed0009) and `K8SCTL_FAULT_TRIALS` (default 2, 22 under
/// `K8SCTL_LONG=1`); `scripts/fault-trials` runs the long form. See docs/faults.md.
@Suite(.serialized)
struct ApplyFaultTrialsTests {
    enum Fault: String, CaseIterable {
        // In turn from the seed; the default seed gives CI drop-connection (install) and kill-write (change).
        case killSSHD = "kill-sshd", dropConnection = "drop-connection"
        /// The remote file writer (`sh -c … k8sctl-write`) killed while it runs: the next write on
        /// that connection after the step point that reaches the trial's ``WritePhase``, waited for up to 60 s
        /// (long enough to reach the state write that ends the run; a change leaves few writes per host).
        case killWrite = "kill-write"
        case killRemoteCommand = "kill-remote-command"
    }

    /// Where inside the batched write (``RemoteFileScripts/writeFiles``) a `kill-write` lands: marked
    /// by the child the writer starts for it. The kill-write trials take them in turn, so a long run
    /// sees each; CI's kill-write trial gets `extract`.
    enum WritePhase: String, CaseIterable {
        /// `tar` running: staging directories exist, files in them partly extracted, no target touched.
        case extract
        /// `mv` running: every file staged, fsynced and read back; targets being renamed, one `mv` per directory.
        case rename
        /// the first `sync`: every file staged and read back, none renamed.
        case fsync
        /// whenever the writer is first seen (reading headers, comparing, extracting…), as before phases existed.
        case any
    }

    struct Trial: CustomStringConvertible {
        var index: Int
        var install: Bool
        var fault: Fault
        var node: Int
        /// Drawn from the seed; the step is `1 + draw % steps-in-the-plan`.
        var draw: UInt64
        var phase: WritePhase = .any
        var description: String {
            "trial \(index) (\(install ? "install" : "change")): \(fault.rawValue)\(fault == .killWrite ? " (\(phase.rawValue))" : "") on node \(node + 1)"
        }
    }

    /// The trials for `seed`: the first is a fresh install, the second a change, then a seeded mix
    /// (one install in four), every fault kind in turn so short runs see each one.
    static func trials(seed: UInt64, count: Int) -> [Trial] {
        var generator = SeededGenerator(state: seed)
        return (0..<count).map { index in
            let install = index == 0 ? true : index == 1 ? false : Int.random(in: 0..<4, using: &generator) == 0
            let turn = index + Int(seed % 4)
            let fault = Fault.allCases[turn % Fault.allCases.count]
            let phase = WritePhase.allCases[(turn / Fault.allCases.count) % WritePhase.allCases.count]
            return Trial(index: index + 1, install: install, fault: fault, node: Int.random(in: 0..<3, using: &generator),
                         draw: generator.next(), phase: phase)
        }
    }

    static func inventory(_ cluster: TestNodeCluster, artifacts: TestArtifactSource, variant: Int) -> String {
        let cp = ["control-plane", "etcd"]
        let base = ApplyEndToEndTests.inventory(name: "fault", cluster: cluster, roles: [cp, cp, cp], artifacts: artifacts)
        let etcdLine = "  etcd: { version: \(artifacts.artifact("etcd")!.version) }\n"
        precondition(base.contains(etcdLine))
        // Variant 1 changes an etcd flag (each member restarts, one at a time) and the kubelet (drain, restart).
        return base.replacingOccurrences(of: etcdLine, with: """
              etcd: { version: \(artifacts.artifact("etcd")!.version), extraArgs: { heartbeat-interval: "\(variant == 0 ? 100 : 150)" } }
              kubelet: { maxPods: \(variant == 0 ? 110 : 111) }

            """).replacingOccurrences(of: "  ssh: { user: root,", with: "  ssh: { commandTimeout: 2m, user: root,")
    }

    @Test(.enabled(if: ApplyEndToEndTests.available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func faultsDuringApply_leaveOldOrNewFiles_keepQuorum_andTheNextApplyConverges() throws {
        let seed = TrialSettings.seed("K8SCTL_FAULT_SEED", default: 0x5eed_0009)
        let count = TrialSettings.count("K8SCTL_FAULT_TRIALS", short: 2, long: 22)
        TrialSettings.log("fault trials: K8SCTL_FAULT_SEED=0x\(String(seed, radix: 16)) K8SCTL_FAULT_TRIALS=\(count)")
        let work = try ApplyEndToEndTests.workspace("faults")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        let prefix = TestNodes.uniquePrefix("fault")
        var cluster = try TestNodes.boot(count: 3, prefix: prefix)
        defer { try? cluster.shutdown() }
        var installed = false
        var variant = 0
        var summary: [String] = []

        // `K8SCTL_FAULT_ONLY=19,21` repeats single trials of the seed (an install trial starts from
        // fresh nodes, so it repeats exactly; a change trial starts from the first variant).
        let only = Set((ProcessInfo.processInfo.environment["K8SCTL_FAULT_ONLY"] ?? "").split(separator: ",").compactMap { Int($0) })
        for trial in Self.trials(seed: seed, count: max(count, only.max() ?? 0)) where only.isEmpty || only.contains(trial.index) {
            let inventory = work.appendingPathComponent("cluster.yaml")
            if trial.install {
                if installed {
                    try cluster.shutdown()
                    cluster = try TestNodes.boot(count: 3, prefix: prefix)
                }
                variant = 0
            } else if !installed {
                try Self.write(Self.inventory(cluster, artifacts: artifacts, variant: variant), to: inventory)
                let setup = try K8sctlBinary.run(["apply", inventory.path])
                try #require(setup.status == 0, "setup install failed:\n\(setup.stdout.suffix(3000))\n\(setup.stderr)")
            }
            let old = trial.install ? [:] : Self.withBinaries(try ManagedFiles.rendered(inventory, into: work.appendingPathComponent("render-old")),
                                                              artifacts: artifacts)
            if !trial.install { variant = 1 - variant }
            try Self.write(Self.inventory(cluster, artifacts: artifacts, variant: variant), to: inventory)
            let new = Self.withBinaries(try ManagedFiles.rendered(inventory, into: work.appendingPathComponent("render-new")), artifacts: artifacts)
            let line = try Self.run(trial, cluster: cluster, inventory: inventory, old: old, new: new, work: work)
            TrialSettings.log(line)
            summary.append(line)
            installed = true
        }
        TrialSettings.log("fault trials done: \(summary.count) trials, seed 0x\(String(seed, radix: 16))")

        // Regression (long run, trial 19): a run killed while recording the state left one
        // control-plane host without it and its temp files in place; nothing else differed, so later
        // applies recorded nothing and the temp files stayed. The next apply records it again.
        let inventory = work.appendingPathComponent("cluster.yaml")
        let behind = cluster.nodes[1]
        let revision = try cluster.ssh(cluster.nodes[0], ["sh", "-c", "ls /var/lib/k8sctl/revisions | sort -n | tail -n 1"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(revision.hasSuffix(".yaml"), "no revision recorded: \(revision)")
        try #require(try cluster.shell(behind, "rm /var/lib/k8sctl/state.json && echo half > /var/lib/k8sctl/.state.json.k8sctl-4242 "
                                       + "&& echo half > /var/lib/k8sctl/revisions/.\(revision).k8sctl-4242").succeeded)
        let repair = try K8sctlBinary.run(["apply", inventory.path])
        #expect(repair.status == 0 && repair.stdout.contains("converged: 0 changed"), "\(repair.stdout.suffix(1500))\n\(repair.stderr)")
        #expect(try cluster.ssh(behind, ["test", "-s", "/var/lib/k8sctl/state.json"]).succeeded, "the state was not recorded again on \(behind.name)")
        #expect(try ManagedFiles.leftovers(cluster, behind, manifests: []).filter { $0.contains(".k8sctl-") }.isEmpty)
    }

    /// The binaries the install playbook uploads to a control plane + etcd host (`upload-artifact`
    /// steps; `k8sctl render` does not list them), with their pinned sha256: the largest writes of an
    /// install (etcd's tens of MB are the longest `tar` a kill-write can land in).
    static let binaries = ["etcd": "/usr/local/bin/etcd", "etcdctl": "/usr/local/bin/etcdctl", "containerd": "/usr/local/bin/containerd",
                           "runc": "/usr/local/sbin/runc", "kubelet": "/usr/local/bin/kubelet"]

    static func withBinaries(_ rendered: [String: [String: String]], artifacts: TestArtifactSource) -> [String: [String: String]] {
        rendered.mapValues { files in
            var files = files
            for (component, path) in binaries { files[path] = artifacts.artifact(component)!.sha256 }
            return files
        }
    }

    /// One trial: the faulted apply, the checks, the converging apply and the no-op apply.
    static func run(_ trial: Trial, cluster: TestNodeCluster, inventory: URL, old: [String: [String: String]],
                    new: [String: [String: String]], work: URL) throws -> String {
        let certificates = work.appendingPathComponent("etcd-client")
        if trial.install { try? FileManager.default.removeItem(at: certificates) }
        let addresses = cluster.nodes.map(\.address)
        let monitor = QuorumMonitor(endpoints: { addresses }, certificates: certificates,
                                    fetch: { QuorumMonitor.fetchCertificates(cluster, from: cluster.nodes[0], into: certificates) },
                                    formed: !trial.install)
        let target = cluster.nodes[trial.node]
        let apply = try BackgroundApply(["apply", inventory.path])
        var injected = "never (the run ended first)"
        if let planned = apply.waitForEvent({ ($0["phase"] as? String)?.hasPrefix("applying ") == true }),
           let steps = (planned["phase"] as? String)?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }), steps > 0 {
            let point = 1 + Int(trial.draw % UInt64(steps))
            var seen = 0
            if apply.waitForEvent({ event in
                if event["event"] as? String == "step" { seen += 1 }
                return seen >= point
            }) != nil {
                let directories = ManagedFiles.directories(of: Array((new[target.name] ?? [:]).keys) + Array((old[target.name] ?? [:]).keys))
                injected = "after step \(point) of \(steps): "
                    + (try inject(trial.fault, phase: trial.phase, on: target, cluster: cluster, applyPID: apply.pid, directories: directories))
            }
        }
        let faulted = apply.finish()
        let quorum = monitor.stop()
        let stopped = faulted.lines.compactMap(BackgroundApply.parse).last { $0["event"] as? String == "finished" }
        let outcome = "exit \(faulted.status)" + ((stopped?["succeeded"] as? Bool) == true ? " (converged anyway)" : "")

        // Every managed path: the old content, the new content, or (install) not there yet.
        var checked = (old: 0, new: 0, absent: 0, partial: 0)
        var leftBehind: [String] = []
        for node in cluster.nodes {
            let newSums = new[node.name] ?? [:]
            let paths = Array(Set(newSums.keys).union(old[node.name]?.keys ?? [:].keys)).sorted()
            let onNode = try ManagedFiles.onNode(cluster, node, paths: paths)
            for path in paths {
                let have = onNode[path] ?? nil
                let oldSum = old[node.name]?[path]
                if have == newSums[path] { checked.new += 1 }
                else if have != nil && have == oldSum { checked.old += 1 }
                else if have == nil && oldSum == nil { checked.absent += 1 }
                else if path == "/etc/etcd/etcd.env", have != nil,
                        try ManagedFiles.withoutBootstrapLines(cluster, node, rendered: work.appendingPathComponent("render-new/\(node.name)\(path)"))
                            || (oldSum != nil && ManagedFiles.withoutBootstrapLines(cluster, node, rendered: work.appendingPathComponent("render-old/\(node.name)\(path)"))) {
                    checked.new += 1  // old or new apart from the bootstrap-only lines of a member that joined a running cluster
                } else {
                    checked.partial += 1
                    Issue.record("\(trial) \(injected): \(node.name) \(path) is neither old nor new (sha256 \(have ?? "missing"))")
                }
            }
            let manifests = Set(newSums.keys.filter { $0.hasPrefix("/etc/kubernetes/manifests/") })
            let left = try ManagedFiles.leftovers(cluster, node, manifests: manifests, directories: ManagedFiles.directories(of: paths))
            // Temp files and staging directories of the killed writer may stay until the next write
            // into their directory (checked after converging, below).
            leftBehind += left.filter { $0.contains(".k8sctl-") }.map { "\(node.name):\($0)" }
            let stray = left.filter { !$0.contains(".k8sctl-") }
            #expect(stray.isEmpty, "\(trial): \(node.name) static-pod directory holds unmanaged files: \(stray)")
        }
        #expect(quorum.lost == 0, "\(trial) \(injected): etcd lost quorum: \(quorum.lostDetails)")

        // The next apply converges; one more changes nothing.
        let converge = try K8sctlBinary.run(["apply", inventory.path])
        #expect(converge.status == 0, "\(trial) \(injected): the next apply failed:\n\(converge.stdout.suffix(3000))\n\(converge.stderr)")
        let again = try K8sctlBinary.run(["apply", inventory.path])
        #expect(again.status == 0 && again.stdout.contains("converged: 0 changed"),
                "\(trial): a further apply was not a no-op:\n\(again.stdout.suffix(2000))\n\(again.stderr)")
        var leftAfter: [String] = []
        var joined: [String] = []
        for node in cluster.nodes {
            let newSums = new[node.name] ?? [:]
            let onNode = try ManagedFiles.onNode(cluster, node, paths: Array(newSums.keys))
            for (path, sum) in newSums where onNode[path] ?? nil != sum {
                // A member that joins a running cluster gets `existing` bootstrap lines instead of the
                // offline render's `new` ones (EtcdBootstrapFlags): the rest must be the new content.
                if path == "/etc/etcd/etcd.env",
                   try ManagedFiles.withoutBootstrapLines(cluster, node, rendered: work.appendingPathComponent("render-new/\(node.name)\(path)")) {
                    joined.append(node.name)
                    continue
                }
                Issue.record("\(trial): after converging, \(node.name) \(path) is not the new content")
            }
            let directories = ManagedFiles.directories(of: Array(newSums.keys) + Array((old[node.name] ?? [:]).keys))
            leftAfter += try ManagedFiles.leftovers(cluster, node, manifests: Set(newSums.keys), directories: directories)
                .map { "\(node.name):\($0)" }
        }
        #expect(leftAfter.isEmpty, "\(trial): temp or stray files after converging: \(leftAfter)")
        let health = try LifecycleEndToEndTests.healthyCount(cluster, via: cluster.nodes[0], endpoints: cluster.nodes)
        #expect(health == 3, "\(trial): \(health) of 3 etcd members healthy after converging")

        return "\(trial), \(injected); faulted run \(outcome); files: \(checked.new) new, \(checked.old) old, \(checked.absent) not yet written, "
            + "\(checked.partial) partial; temp files/staging dirs right after: \(leftBehind.isEmpty ? "none" : leftBehind.joined(separator: " ")); "
            + "quorum: \(quorum); next apply exit \(converge.status); no-op \(again.stdout.contains("converged: 0 changed")); "
            + "leftovers after converging: \(leftAfter.count)"
            + (joined.isEmpty ? "" : "; joined the running cluster (etcd.env bootstrap lines `existing`): \(joined.joined(separator: ", "))")
    }

    /// Does the fault on the node; returns what was done.
    static func inject(_ fault: Fault, phase: WritePhase, on node: TestNode, cluster: TestNodeCluster, applyPID: Int32,
                       directories: [String]) throws -> String {
        switch fault {
        case .killSSHD:
            // The test's own session is one of those killed: detach the kill from it.
            _ = try cluster.shell(node, "setsid sh -c 'pkill -KILL -x sshd; sleep 2; systemctl start ssh' </dev/null >/dev/null 2>&1 &")
            return "killed every sshd on \(node.name)"
        case .dropConnection, .killRemoteCommand, .killWrite:
            // The local port of k8sctl's connection to the node identifies the sshd serving it there.
            let sockets = try ProcessRunner.run("/usr/bin/ss", ["-tnpH", "state", "established", "dst", "\(node.address):22"])
            guard let line = sockets.stdout.split(separator: "\n").first(where: { $0.contains("pid=\(applyPID),") }),
                  let local = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first,
                  let port = local.split(separator: ":").last else {
                return "no connection of pid \(applyPID) to \(node.name) (closed already)"
            }
            let out = fault == .killWrite
                ? try cluster.ssh(node, ["python3", "-c", killWriterScript, cluster.gateway, String(port), phase.rawValue] + directories)
                : try cluster.shell(node, fault == .dropConnection ? killSessionScript : killCommandScript, stdin: "\(cluster.gateway) \(port)\n")
            return "\(fault.rawValue) on \(node.name) (port \(port)): \(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    /// stdin: `GATEWAY PORT`. Kills (SIGKILL) the sshd processes holding that connection: the TCP
    /// connection drops; what the session ran is orphaned, its stdin closed.
    static let killSessionScript = #"""
    read -r gw port
    pids=$(ss -tnpH state established "( sport = :22 and dport = :$port )" dst "$gw" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)
    [ -n "$pids" ] || { echo "no sshd for port $port"; exit 0; }
    kill -KILL $pids; echo "killed sshd $pids"
    """#

    /// stdin: `GATEWAY PORT`. Kills (SIGKILL) every process the session runs (not sshd itself), waiting
    /// up to 3 s for one to exist: the channel reports the signal, the connection stays.
    static let killCommandScript = #"""
    read -r gw port
    pids=$(ss -tnpH state established "( sport = :22 and dport = :$port )" dst "$gw" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)
    [ -n "$pids" ] || { echo "no sshd for port $port"; exit 0; }
    descendants() { for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
    i=0
    while [ $i -lt 150 ]; do
      victims=""
      for s in $pids; do for d in $(descendants "$s"); do
        case $(cat /proc/$d/comm 2>/dev/null) in sshd|"") ;; *) victims="$victims $d" ;; esac
      done; done
      if [ -n "$victims" ]; then
        what=$(for v in $victims; do tr '\0' ' ' < /proc/$v/cmdline 2>/dev/null | cut -c1-60; echo; done | head -n 2 | tr '\n' '|')
        kill -KILL $victims 2>/dev/null; echo "killed$victims: $what"; exit 0
      fi
      sleep 0.02; i=$((i+1))
    done
    echo "the session ran nothing for 3 s"
    """#

    /// argv: GATEWAY PORT PHASE DIR…. Scans /proc without pausing (a write lasts milliseconds) for the
    /// batched file writer (`sh -c … k8sctl-write …`, ``RemoteFileScripts/writeFiles``) run by the sshd
    /// session of that connection, for up to 60 s (or until the connection closes). Once one runs, its children are polled through
    /// `/proc/PID/task/PID/children` (one small read: a child lives a few milliseconds) until the
    /// writer starts the one that marks PHASE — `tar` (extracting into the staging directories), `sync`
    /// (every file staged and read back, none renamed yet), `mv` (renaming, directory by directory) —
    /// or at once for `any`; then the writer and everything it started are SIGKILLed. A writer that
    /// ends before reaching PHASE (a write with nothing to change starts no `tar`) is let go and the
    /// next one is waited for. Prints what was killed and the staging directories (`.k8sctl-TOKEN`)
    /// and temp files found right after in the DIRs (the directories of the node's managed files).
    static let killWriterScript = #"""
    import os, re, signal, subprocess, sys, time
    gw, port, phase, dirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    marker = {"extract": "tar", "fsync": "sync", "rename": "mv"}.get(phase)
    ss = subprocess.run(["ss", "-tnpH", "state", "established", "( sport = :22 and dport = :%s )" % port, "dst", gw],
                        capture_output=True, text=True).stdout
    sessions = {int(pid) for pid in re.findall(r"pid=(\d+)", ss)}
    if not sessions: print("no sshd for port", port); sys.exit(0)
    def ppid(pid):
        with open("/proc/%d/stat" % pid) as f: return int(f.read().rsplit(")", 1)[1].split()[1])
    def under_session(pid):
        for _ in range(20):
            if pid in sessions: return True
            if pid <= 1: return False
            pid = ppid(pid)
        return False
    def children(pid):
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f: return [int(c) for c in f.read().split()]
    def comm(pid):
        with open("/proc/%d/comm" % pid) as f: return f.read().strip()
    def alive(pid):
        with open("/proc/%d/stat" % pid) as f: return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    def tree(root):
        out, todo = [], [root]
        while todo:
            pid = todo.pop(); out.append(pid)
            try: todo += children(pid)
            except OSError: pass
        return out
    def arguments(pid):
        with open("/proc/%d/cmdline" % pid, "rb") as f: return f.read().split(b"\0")
    def is_writer(pid, args):
        # `sh -c SCRIPT k8sctl-write BACKUP COUNT TOKEN`: the script's $0, not a login shell's `-c "sh -c …"` text.
        return b"k8sctl-write" in args and under_session(pid)
    def staged():
        found = []
        for d in dirs:
            try: names = os.listdir(d)
            except OSError: continue
            for n in names:
                if ".k8sctl-" not in n: continue
                p = os.path.join(d, n)
                found.append(p + ("/ (%d files)" % len(os.listdir(p)) if os.path.isdir(p) and not os.path.islink(p) else ""))
        return found
    deadline = time.time() + 60
    while time.time() < deadline:
        if not any(os.path.exists("/proc/%d" % s) for s in sessions):
            print("the connection closed before a write reached %s" % phase); sys.exit(0)
        for name in os.listdir("/proc"):
            if not name.isdigit(): continue
            pid = int(name)
            try:
                args = arguments(pid)
                if not is_writer(pid, args): continue
                hit = None
                while marker is not None and hit is None:
                    if not alive(pid) or time.time() > deadline: raise OSError("ended before " + phase)
                    for child in children(pid):
                        try:
                            if comm(child) == marker: hit = child; break
                        except OSError: pass
                note = ""
                if phase == "extract":
                    # Into the extraction: until tar has created a file in a staging directory (a
                    # binary of tens of MB is then still being written), or tar is gone.
                    stage = ".k8sctl-" + args[args.index(b"k8sctl-write") + 3].decode()
                    while time.time() < deadline:
                        count = 0
                        for d in dirs:
                            try: count += len(os.listdir(os.path.join(d, stage)))
                            except OSError: pass
                        if count > 0: note = ", %d file(s) in its staging directories" % count; break
                        if hit not in children(pid): note = ", tar had ended"; break
                victims = tree(pid)
                for victim in victims: os.kill(victim, signal.SIGKILL)
                left = staged()
                print("killed writer %d%s%s and %d more (%s)%s" % (
                    pid, "" if hit is None else " at its `%s`" % marker, note, len(victims) - 1, phase,
                    ("; left: " + " ".join(left)) if left else "; left: nothing"))
                sys.exit(0)
            except (OSError, IndexError, ValueError):
                continue  # a process that ended while looked at, or a writer that ended before PHASE
    print("no write reached %s on that connection within 60 s" % phase)
    """#

    static func write(_ text: String, to url: URL) throws { try text.write(to: url, atomically: true, encoding: .utf8) }
}
