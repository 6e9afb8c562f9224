import K8sctlModel

/// Decides which operation each host takes part in, from the previous and desired inventories.
/// Version up is an upgrade, version down a rollback (restoring what the upgrade saved); new hosts
/// scale up, vanished hosts scale down; otherwise the classification table decides between a
/// configuration change and nothing.
struct HostClassifier {
    let previous: Cluster?
    let desired: Cluster

    func classify() -> (hosts: [HostPlan], diagnostics: [Diagnostic]) {
        guard let previous else {
            return (desired.hosts.map { HostPlan(host: $0.name, roles: $0.roles.sorted(), operation: .install,
                                                 reasons: ["new cluster"], critical: $0.critical) }, [])
        }
        var diagnostics: [Diagnostic] = []
        let versionChange = Self.versionChange(from: previous, to: desired)
        let changes = ChangeClassification.changes(from: previous, to: desired)
        for rule in changes where rule.impact == .unsupported {
            diagnostics.append(.error("\(rule.setting) cannot change on a running cluster: \(rule.reason)",
                                      at: desired.location(of: "spec." + rule.setting),
                                      hint: "restore the previous value, or build a new cluster and migrate"))
        }
        let controlPlaneChanged = Set(previous.controlPlaneHosts.map(\.name)) != Set(desired.controlPlaneHosts.map(\.name))
        let etcdChanged = Set(previous.etcdHosts.map(\.name)) != Set(desired.etcdHosts.map(\.name))
        // Lookup tables instead of a search per host (quadratic at 10,000 hosts); the first host of
        // a name wins, as `Cluster.host(named:)` does.
        let previousByName = Dictionary(previous.hosts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let desiredNames = Set(desired.hosts.map(\.name))
        var plans: [HostPlan] = []
        for host in desired.hosts {
            guard let before = previousByName[host.name] else {
                plans.append(HostPlan(host: host.name, roles: host.roles.sorted(), operation: .scaleUp,
                                      reasons: ["new host"], critical: host.critical))
                continue
            }
            if before.roles != host.roles {
                diagnostics.append(.error("host \(host.name) changes roles (\(before.roles.sorted().map(\.rawValue).joined(separator: ",")) → \(host.roles.sorted().map(\.rawValue).joined(separator: ","))) in place",
                                          at: desired.location(of: host.path + ".roles"),
                                          hint: "remove the host in one apply and add it with its new roles in the next"))
            }
            if before.address != host.address && !host.replacement {
                diagnostics.append(.error("host \(host.name) changes address \(before.address) → \(host.address)",
                                          at: desired.location(of: host.path + ".address"),
                                          hint: "set 'replacement: true' for a re-installed machine, or give it a new name"))
            }
            if let versionChange {
                plans.append(HostPlan(host: host.name, roles: host.roles.sorted(), operation: versionChange.operation,
                                      intrusive: host.runsKubelet, reasons: [versionChange.reason], critical: host.critical))
                continue
            }
            var aspects = Set<StepCondition>()
            var reasons: [String] = []
            var intrusive = false
            for rule in changes where rule.hosts.matches(host) && (rule.impact == .nonIntrusive || rule.impact == .intrusive) {
                aspects.formUnion(rule.aspects)
                reasons.append("\(rule.setting) changed (\(rule.impact.rawValue): \(rule.reason))")
                if rule.impact == .intrusive && host.runsKubelet { intrusive = true }
            }
            if host.runsKubelet && (previous.nodeLabels(for: before) != desired.nodeLabels(for: host)
                || Set(previous.nodeTaints(for: before)) != Set(desired.nodeTaints(for: host))) {
                aspects.insert(.nodeMetadata)
                reasons.append("labels or taints changed (non-intrusive: applied through the API)")
            }
            // Membership changes elsewhere reach hosts that stay: proxies list the API servers,
            // API servers list the etcd members.
            if controlPlaneChanged && desired.controlPlane.endpoint.mode == .localProxy && host.runsKubelet {
                aspects.insert(.localProxyBackends)
                reasons.append("control-plane hosts changed (non-intrusive: local API proxy backends)")
            }
            if etcdChanged && host.isControlPlane {
                aspects.insert(.etcdServers)
                reasons.append("etcd members changed (non-intrusive: kube-apiserver --etcd-servers)")
            }
            if intrusive { aspects.insert(.intrusive) }
            let sortedAspects = StepCondition.allCases.filter(aspects.contains)
            plans.append(HostPlan(host: host.name, roles: host.roles.sorted(), operation: aspects.isEmpty ? .noOp : .configChange,
                                  aspects: sortedAspects, intrusive: intrusive, reasons: reasons, critical: host.critical))
        }
        for before in previous.hosts where !desiredNames.contains(before.name) {
            plans.append(HostPlan(host: before.name, roles: before.roles.sorted(), operation: .scaleDown,
                                  intrusive: before.runsKubelet, reasons: ["removed from the inventory"], critical: before.critical))
        }
        return (plans, diagnostics)
    }

    /// Upgrade when Kubernetes or etcd moves up, rollback when Kubernetes moves down.
    static func versionChange(from previous: Cluster, to desired: Cluster) -> (operation: HostOperation, reason: String)? {
        let old = previous.kubernetes.version, new = desired.kubernetes.version
        if new > old { return (.upgrade, "Kubernetes \(old) → \(new)") }
        if new < old { return (.rollback, "Kubernetes \(old) → \(new): restore the files saved before the upgrade") }
        if desired.etcdVersion > previous.etcdVersion { return (.upgrade, "etcd \(previous.etcdVersion) → \(desired.etcdVersion)") }
        if desired.etcdVersion < previous.etcdVersion { return (.rollback, "etcd \(previous.etcdVersion) → \(desired.etcdVersion)") }
        return nil
    }
}
