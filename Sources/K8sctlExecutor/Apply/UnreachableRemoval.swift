import K8sctlModel
import K8sctlPlanning
import K8sctlTransport

/// Hosts that left the inventory and cannot be reached (`apply --remove-unreachable HOST`): they are
/// taken out of the cluster through the hosts that stay — cordon and delete their Node through the
/// API, `etcdctl member remove` through a member that stays (after the quorum check in
/// `EtcdMemberStep`), wait for etcd health — and nothing runs on them. Quorum arithmetic counts them
/// as down members. The applied state lists them as not cleaned up (`AppliedState.uncleanedHosts`).
///
/// Their drain is skipped: a dead kubelet cannot stop pods, and deleting the Node lets the pod
/// garbage collector remove the pods bound to it.
enum UnreachableRemoval {
    /// The actions that act through other hosts and still make sense for a dead one.
    static let keptActions: Set<ActionKind> = [.cordon, .deleteNode, .etcdMemberRemove, .wait]

    /// Checks the removed hosts' connections. Returns the unreachable ones the user named.
    /// - Throws: `ExecutorError.refused` naming the flag when an unreachable removed host was not
    ///   named, or when a named host is not one that leaves the cluster.
    static func check(removed: [Host], desired: Cluster, failures: [String: String], allowed: Set<String>,
                      sink: ApplyEventSink) throws -> [Host] {
        let removedNames = Set(removed.map(\.name))
        for name in allowed.sorted() where !removedNames.contains(name) {
            let why = desired.host(named: name) != nil ? "is still in the inventory (remove it there first)"
                                                       : "is not a host of the applied revision"
            throw ExecutorError.refused(reason: "--remove-unreachable \(name): \(name) \(why); nothing was changed")
        }
        let unreachable = removed.filter { failures[$0.name] != nil }
        let unnamed = unreachable.filter { !allowed.contains($0.name) }
        guard unnamed.isEmpty else {
            throw ExecutorError.refused(reason: "cannot reach \(unnamed.count) host\(unnamed.count == 1 ? "" : "s") leaving the cluster; nothing was changed:\n"
                + unnamed.map { "  \($0.name): \(failures[$0.name]!)" }.joined(separator: "\n")
                + "\nIf \(unnamed.count == 1 ? "it is" : "they are") gone for good, run apply again with "
                + unnamed.map { "--remove-unreachable \($0.name)" }.joined(separator: " ")
                + ": the Node and etcd member are removed through the hosts that stay; the host's own disk is left as it is")
        }
        for host in removed where allowed.contains(host.name) && failures[host.name] == nil {
            sink(.warning("--remove-unreachable \(host.name): the host is reachable; it is scaled down normally"))
        }
        for host in unreachable {
            sink(.warning("\(host.name) is unreachable and leaves the cluster without cleanup on the host (--remove-unreachable)"))
        }
        return unreachable
    }

    /// Observations that count the unreachable hosts' etcd members as down.
    static func marking(_ hosts: [Host], in observed: ObservedState) -> ObservedState {
        var copy = observed
        for host in hosts {
            copy.hosts[host.name] = HostObservation(reachable: false, etcdHealth: host.isEtcd ? .unhealthy : .absent, kubeletVersion: nil)
        }
        return copy
    }

    /// The plan without the steps that would run on the unreachable hosts themselves; `needs` on
    /// dropped steps are dropped with them.
    static func restricting(_ plan: Plan, unreachable: Set<String>) -> Plan {
        guard !unreachable.isEmpty else { return plan }
        var copy = plan
        copy.steps = plan.steps.filter { step in
            guard unreachable.contains(step.host) else { return true }
            guard keptActions.contains(step.action.kind) else { return false }
            // Only waits probing another host (etcd health through the endpoint member) still apply.
            if case .wait(let wait) = step.action, case .https = wait.probe { return true }
            return step.action.kind != .wait
        }
        let kept = Set(copy.steps.map(\.id))
        copy.steps = copy.steps.map { step in
            var step = step
            step.needs = step.needs.filter { kept.contains($0) }
            return step
        }
        return copy
    }

    /// The connection an unreachable host's kept steps run on: the etcd member its removal goes
    /// through (it has the etcd client certificate for the health wait), else a control-plane host.
    static func standInConnection(for host: Host, plan: Plan, desired: Cluster, pool: HostPool) async -> (any RemoteHost)? {
        let via = plan.steps.lazy.compactMap { step -> String? in
            if step.host == host.name, case .etcdMemberRemove(let member) = step.action { return member.via }
            return nil
        }.first
        if let via, let connection = await pool.connection(via) { return connection }
        for candidate in desired.controlPlaneHosts + desired.etcdHosts {
            if let connection = await pool.connection(candidate.name) { return connection }
        }
        return nil
    }
}
