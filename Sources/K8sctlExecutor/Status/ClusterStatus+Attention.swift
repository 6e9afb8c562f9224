import Foundation

extension ClusterStatus {
    /// Clock skew beyond this is reported: certificates issued by this machine may not be valid
    /// yet on the host, and etcd's leases and health checks assume close clocks.
    public static let clockSkewTolerance = 30

    /// Everything that is not as the last apply left a healthy cluster, one line each, in the order
    /// a user should look at them. Empty means healthy and converged (`k8sctl status` exits 0).
    public var attention: [String] {
        var found: [String] = []
        if let stateError {
            found.append("applied state unreadable: \(stateError)")
        } else if applied == nil {
            found.append("never applied with k8sctl (no state on the control-plane hosts)")
        }
        if let applied {
            if !applied.completed {
                found.append("the last apply (revision \(applied.revision)) did not complete"
                    + (applied.rolloutStop.map { ": stopped at \($0)" } ?? "") + "; `k8sctl apply` resumes it")
            }
            if applied.filesOnly { found.append("revision \(applied.revision) was staged with --files-only: services not started; `k8sctl apply` starts them") }
            if applied.stopped { found.append("the cluster was stopped with `k8sctl stop`; `k8sctl start` starts it") }
        }
        if let lock {
            found.append("locked by \(lock.holder) since \(lock.since) (on \(lock.host)): an apply is running, or a killed one left it (`k8sctl unlock`)")
        }
        if applied != nil, !inventory.matchesApplied {
            var parts: [String] = []
            if !inventory.hostsToAdd.isEmpty { parts.append("hosts to add: \(inventory.hostsToAdd.joined(separator: ", "))") }
            if !inventory.hostsToRemove.isEmpty { parts.append("hosts to remove: \(inventory.hostsToRemove.joined(separator: ", "))") }
            if !inventory.hostsChanged.isEmpty { parts.append("hosts changed: \(inventory.hostsChanged.joined(separator: ", "))") }
            if !inventory.settingsChanged.isEmpty { parts.append("settings changed: \(inventory.settingsChanged.joined(separator: ", "))") }
            if let version = inventory.appliedVersion { parts.append("Kubernetes \(version) applied") }
            found.append("the inventory differs from the applied revision (\(parts.joined(separator: "; "))); `k8sctl plan` shows the change")
        }
        let servicesExpected = !(applied?.filesOnly ?? false) && !(applied?.stopped ?? false)
        for host in hosts {
            if let reason = host.unreachable {
                found.append("\(host.name): unreachable: \(reason)")
                continue
            }
            if servicesExpected {
                let down = host.expectedUnits.filter { host.units[$0] != "active" }
                if !down.isEmpty {
                    found.append("\(host.name): " + down.map { "\($0) \(host.units[$0] ?? "unknown")" }.joined(separator: ", "))
                }
                if host.etcdHealthy == false { found.append("\(host.name): etcd member unhealthy") }
            }
            if !host.driftedFiles.isEmpty {
                found.append("\(host.name): \(host.driftedFiles.count) managed file(s) changed since the last apply: "
                    + Self.sample(host.driftedFiles))
            }
            if !host.missingFiles.isEmpty {
                found.append("\(host.name): \(host.missingFiles.count) managed file(s) missing: " + Self.sample(host.missingFiles))
            }
            if let skew = host.clockSkewSeconds, abs(skew) > Self.clockSkewTolerance {
                found.append("\(host.name): clock \(skew > 0 ? "ahead" : "behind") by \(abs(skew)) s")
            }
            if let failure = host.lastApplyFailure { found.append("\(host.name): failed in the last apply: \(failure)") }
        }
        return found
    }

    private static func sample(_ paths: [String]) -> String {
        paths.prefix(3).joined(separator: ", ") + (paths.count > 3 ? ", …" : "")
    }
}
