import K8sctlExecutor

/// `k8sctl status` as a person reads it: a header, one row per host, then what needs attention.
struct StatusText {
    let status: ClusterStatus
    init(_ status: ClusterStatus) { self.status = status }

    var rendered: String {
        var lines = [header, lockLine, inventoryLine, ""]
        lines += table
        lines.append("")
        let attention = status.attention
        if attention.isEmpty {
            lines.append("Healthy: every host reachable, services active, etcd healthy, no drift.")
        } else {
            lines.append("Needs attention (\(attention.count)):")
            lines += attention.map { "  - \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var header: String {
        guard let applied = status.applied else {
            return "Cluster \(status.cluster): " + (status.stateError.map { "applied state unreadable (\($0))" } ?? "never applied")
        }
        var flags: [String] = [applied.completed ? "completed" : "did not complete"]
        if applied.filesOnly { flags.append("files only") }
        if applied.stopped { flags.append("stopped") }
        return "Cluster \(status.cluster): revision \(applied.revision), applied \(applied.appliedAt) by k8sctl \(applied.k8sctlVersion) (\(flags.joined(separator: ", ")))"
    }

    private var lockLine: String {
        status.lock.map { "Lock: held by \($0.holder) since \($0.since)" } ?? "Lock: free"
    }

    private var inventoryLine: String {
        guard status.applied != nil else { return "Inventory: nothing applied yet" }
        return status.inventory.matchesApplied ? "Inventory: matches the applied revision" : "Inventory: differs from the applied revision (`k8sctl plan` shows the change)"
    }

    private var table: [String] {
        let headings = ["HOST", "ROLES", "STATE", "CONTAINERD", "KUBELET", "ETCD", "VERSIONS", "FILES"]
        let rows = status.hosts.map { host -> [String] in
            guard host.unreachable == nil else { return [host.name, host.roles.joined(separator: ","), "unreachable", "-", "-", "-", "-", "-"] }
            func unit(_ name: String) -> String { host.units[name] ?? "-" }
            var etcd = unit("etcd.service")
            if let healthy = host.etcdHealthy { etcd += healthy ? " healthy" : " unhealthy" }
            let versions = host.versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let changed = host.driftedFiles.count + host.missingFiles.count
            let files = host.managedFiles == 0 ? "-" : (changed == 0 ? "\(host.managedFiles) ok" : "\(changed)/\(host.managedFiles) changed")
            return [host.name, host.roles.joined(separator: ","), "reachable", unit("containerd.service"), unit("kubelet.service"),
                    etcd, versions.isEmpty ? "-" : versions, files]
        }
        let widths = headings.indices.map { column in ([headings] + rows).map { $0[column].count }.max() ?? 0 }
        return ([headings] + rows).map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
