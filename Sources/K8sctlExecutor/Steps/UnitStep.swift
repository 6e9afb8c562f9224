import K8sctlModel
import K8sctlPlanning

/// Ensures a systemd unit: reloaded when unit files changed, enabled, and started — or restarted
/// when a file it reads changed during this run.
struct UnitStep {
    let action: UnitAction

    /// Which managed paths each unit reads: a change to one of them restarts the unit.
    static let inputs: [String: [String]] = [
        "etcd.service": ["/etc/etcd/", "/etc/systemd/system/etcd.service", "/usr/local/bin/etcd", "/etc/kubernetes/pki/etcd/"],
        "kubelet.service": ["/var/lib/kubelet/", "/etc/kubernetes/kubelet.conf", "/etc/systemd/system/kubelet.service",
                            "/usr/local/bin/kubelet", "/etc/kubernetes/pki/ca.crt"],
        "containerd.service": ["/etc/containerd/", "/etc/systemd/system/containerd.service", "/usr/local/bin/containerd",
                               "/usr/local/sbin/runc"],
        "keepalived.service": ["/etc/keepalived/", "/etc/systemd/system/keepalived.service"],
    ]

    /// The whole step in one round trip (it was five: reload, is-enabled, enable, is-active,
    /// start; on an install of 50 nodes each was an sshd session and process starts on a node
    /// that was busy starting its own services); the unit and the decisions arrive as argv, never
    /// in the script text.
    ///
    /// Reloads: a `daemon-reload` cost systemd ~85 ms of CPU on a test node, and an install did four
    /// per worker. Now at most one, and only when it changes something:
    /// - only when a unit file or drop-in changed since the host's last reload in this run (`reload`);
    /// - not for a unit systemd has not loaded (`list-units` does not list it, or lists it
    ///   `not-found`: a new unit, as on a fresh install): systemd reads such a unit from disk, drop-ins
    ///   included, when it is started (measured on the test nodes' systemd 252; a unit that was
    ///   `not-found` is loaded again once its file exists). A *loaded* unit is always reloaded for:
    ///   its `NeedDaemonReload` is not trusted, as systemd 252 reports `no` after a new drop-in;
    /// - `systemctl enable` reloaded by itself, so an enabling step reloaded twice; it runs with
    ///   `--no-reload`: the unit is started explicitly here, and the new `.wants/` link reaches
    ///   systemd's in-memory targets at its next reload or boot, which is when they are read.
    /// Prints `state <is-active's answer>` and `did <what>` lines in order; a failing command exits
    /// 1 with the command on the first line of stderr and its output after it.
    static let script = #"""
    unit=$1 reload=$2 enable=$3 state=$4 inputs=$5
    must() {
      if ! out=$("$@" 2>&1); then printf '%s\n%s\n' "$*" "$out" >&2; exit 1; fi
    }
    if [ "$reload" = yes ]; then
      case $(systemctl list-units --all --plain --no-legend --full -- "$unit" 2>/dev/null | awk '{print $2; exit}') in
        ''|not-found) reload=no ;;
      esac
    fi
    if [ "$reload" = yes ]; then must systemctl daemon-reload; echo "did daemon-reload"; fi
    enabled=$(systemctl is-enabled "$unit" 2>/dev/null)
    if [ "$enable" = yes ] && [ "$state" != stopped ] && [ "$enabled" != enabled ]; then
      must systemctl enable --no-reload "$unit"; echo "did enabled"
    fi
    active=$(systemctl is-active "$unit" 2>/dev/null)
    echo "state $active"
    case $state in
      started)
        if [ "$active" != active ]; then must systemctl start "$unit"; echo "did started"
        elif [ "$inputs" = yes ]; then must systemctl restart "$unit"; echo "did restarted (inputs changed)"; fi ;;
      restarted) must systemctl restart "$unit"; echo "did restarted" ;;
      stopped)
        if [ "$active" = active ] || [ "$active" = activating ]; then must systemctl stop "$unit"; echo "did stopped"; fi
        if [ "$enable" = no ] && [ "$enabled" = enabled ]; then must systemctl disable "$unit"; echo "did disabled"; fi ;;
    esac
    """#

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        let unit = action.name
        let written = await context.changes.paths(host: context.host.name)
        let inputs = Self.inputs[unit] ?? ["/etc/systemd/system/\(unit)"]
        let inputsChanged = written.contains { path in inputs.contains { path == $0 || ($0.hasSuffix("/") && path.hasPrefix($0)) } }
        // systemd reloads once for every unit file changed since the host's last reload (in this
        // run): consecutive unit steps after one set of writes reload once, not once each.
        let unitFilesChanged = await context.changes.unitFilesChangedSinceReload(host: context.host.name)
        let flag = { (on: Bool) in on ? "yes" : "no" }
        let result = try await context.run(["/bin/sh", "-c", Self.script, "k8sctl-unit", unit,
                                            flag(action.daemonReload && unitFilesChanged), flag(action.enabled),
                                            action.state.rawValue, flag(inputsChanged)])
        guard result.succeeded else {
            let stderr = result.stderr.split(separator: "\n", maxSplits: 1).map(String.init)
            throw StepFailure(command: stderr.first ?? "systemctl (\(unit))", outcome: result.outcomeDescription,
                              stderr: stderr.count > 1 ? stderr[1].trimmingCharacters(in: .whitespacesAndNewlines) : "")
        }
        var active = "", did: [String] = []
        for line in result.stdout.split(separator: "\n") {
            if line.hasPrefix("state ") { active = String(line.dropFirst(6)) }
            if line.hasPrefix("did ") { did.append(String(line.dropFirst(4))) }
        }
        if did.contains("daemon-reload") { await context.changes.recordReload(host: context.host.name) }
        if did.isEmpty { return (.ok, "\(unit) \(active)") }
        return (.changed, "\(unit): " + did.joined(separator: ", "))
    }
}
