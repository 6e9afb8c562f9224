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

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        let unit = action.name
        let written = await context.changes.paths(host: context.host.name)
        let inputs = Self.inputs[unit] ?? ["/etc/systemd/system/\(unit)"]
        let inputsChanged = written.contains { path in inputs.contains { path == $0 || ($0.hasSuffix("/") && path.hasPrefix($0)) } }
        let unitFilesChanged = written.contains { $0.hasPrefix("/etc/systemd/system/") }
        var did: [String] = []

        if action.daemonReload && unitFilesChanged {
            try await context.require(["systemctl", "daemon-reload"])
            did.append("daemon-reload")
        }
        let enabled = try await context.run(["systemctl", "is-enabled", unit]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if action.enabled && action.state != .stopped && enabled != "enabled" {
            try await context.require(["systemctl", "enable", unit])
            did.append("enabled")
        }
        let active = try await context.run(["systemctl", "is-active", unit]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        switch action.state {
        case .started:
            if active != "active" {
                try await context.require(["systemctl", "start", unit])
                did.append("started")
            } else if inputsChanged {
                try await context.require(["systemctl", "restart", unit])
                did.append("restarted (inputs changed)")
            }
        case .restarted:
            try await context.require(["systemctl", "restart", unit])
            did.append("restarted")
        case .stopped:
            if active == "active" || active == "activating" {
                try await context.require(["systemctl", "stop", unit])
                did.append("stopped")
            }
            if !action.enabled && enabled == "enabled" {
                try await context.require(["systemctl", "disable", unit])
                did.append("disabled")
            }
        }
        if did.isEmpty { return (.ok, "\(unit) \(active)") }
        return (.changed, "\(unit): " + did.joined(separator: ", "))
    }
}
