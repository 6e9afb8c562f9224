import K8sctlModel
import K8sctlValidation

/// What the planner looks at. All values; no I/O.
public struct PlanningInput: Sendable {
    /// The inventory applied last; nil for a new cluster.
    public var previous: Cluster?
    public var desired: Cluster
    /// Facts from the hosts (members down change the etcd membership order); nil when planning offline.
    public var observed: ObservedState?
    public var playbooks: PlaybookSet
    /// A maintenance operation (`etcd-backup`, `stop`, `start`) asked for explicitly; it changes no
    /// setting, so `previous` must be nil or equal to `desired`.
    public var maintenance: PlaybookOperation?

    public init(previous: Cluster? = nil, desired: Cluster, observed: ObservedState? = nil, playbooks: PlaybookSet,
                maintenance: PlaybookOperation? = nil) {
        self.previous = previous
        self.desired = desired
        self.observed = observed
        self.playbooks = playbooks
        self.maintenance = maintenance
    }
}

/// The plan, or why there is none.
public struct PlanningResult: Sendable {
    /// Nil when any error was found.
    public var plan: Plan?
    public var diagnostics: [Diagnostic]
}

/// (previous, desired, observed) → which operation applies to which host → concrete steps per
/// host → rollout batches. Pure and deterministic: the same input gives an identical `Plan`.
public struct Planner: Sendable {
    public init() {}

    /// Operations run in this order: versions first (the upgrade's snapshot sees the old membership),
    /// then hosts join, then settings change, and hosts leave last, when the cluster is largest —
    /// except leaving etcd members observed down, which leave before any joins (`phases`).
    static let operationOrder: [PlaybookOperation] = [.install, .rollback, .upgrade, .scaleUp, .configChange, .scaleDown,
                                                      .etcdBackup, .stop, .start]

    public func plan(_ input: PlanningInput) -> PlanningResult {
        let desired = input.desired
        var (hostPlans, diagnostics) = HostClassifier(previous: input.previous, desired: desired).classify()
        if let maintenance = input.maintenance {
            guard PlaybookOperation.maintenance.contains(maintenance) else {
                return PlanningResult(plan: nil, diagnostics: [.error("'\(maintenance.rawValue)' is not a maintenance operation", at: nil,
                                                                      hint: "use one of " + PlaybookOperation.maintenance.map(\.rawValue).joined(separator: ", "))])
            }
            if let previous = input.previous, previous.hosts != desired.hosts || HostClassifier.versionChange(from: previous, to: desired) != nil
                || !ChangeClassification.changes(from: previous, to: desired).isEmpty {
                return PlanningResult(plan: nil, diagnostics: [.error("\(maintenance.rawValue) changes nothing in the inventory, but the inventory differs from the previous one",
                                                                      at: nil, hint: "apply the change first, or plan the maintenance without --previous")])
            }
            let operation = HostOperation(rawValue: maintenance.rawValue)!
            hostPlans = desired.hosts.map { host in
                // One snapshot is the backup; it is taken through the first member.
                let takesPart = maintenance == .etcdBackup ? host.name == desired.etcdHosts.first?.name : true
                return HostPlan(host: host.name, roles: host.roles.sorted(), operation: takesPart ? operation : .noOp,
                                reasons: takesPart ? ["\(maintenance.rawValue) requested"] : [], critical: host.critical)
            }
            diagnostics = []
        }
        let planByHost = Dictionary(hostPlans.map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first })

        // etcd membership: the order of single-member changes that keeps a live majority.
        let membership = EtcdMembershipOrder(previous: input.previous, desired: desired, observed: input.observed)
        if let problem = membership.problem { diagnostics.append(problem) }
        for index in hostPlans.indices where membership.removedFirst.contains(hostPlans[index].host) {
            hostPlans[index].reasons.append(EtcdMembershipOrder.removedFirstReason)
        }
        if diagnostics.hasErrors { return PlanningResult(plan: nil, diagnostics: diagnostics) }

        let desiredNames = Set(desired.hosts.map(\.name))
        let removedHostNames = Set((input.previous?.hosts ?? []).map(\.name).filter { !desiredNames.contains($0) })
        var expanded = ExpandedSteps()
        var batches: [RolloutBatch] = []
        var rankOffset = 0
        for phase in Self.phases(removedFirst: membership.removedFirst) {
            let operation = phase.operation
            let hosts = hostsFor(operation, plans: hostPlans, input: input, membershipOrder: membership.sequence)
                .filter { phase.hosts?.contains($0.name) ?? !phase.excluded.contains($0.name) }
            guard !hosts.isEmpty else { continue }
            guard let playbook = input.playbooks[operation] else {
                diagnostics.append(.error("no playbook for operation '\(operation.rawValue)' (\(hosts.count) host\(hosts.count == 1 ? "" : "s") need it)", at: nil,
                                          hint: "add \(operation.rawValue).yaml to the playbook directory"))
                continue
            }
            let etcdMembers = operation == .install ? desired.etcdHosts.count : (input.previous ?? desired).etcdHosts.count
            let batcher = RolloutBatcher(operation: operation, policy: desired.rollout, etcdMembers: etcdMembers,
                                         controlPlaneCount: desired.controlPlaneHosts.count)
            var placed: [(host: Host, batch: Int)] = []
            for draft in batcher.batches(for: hosts) {
                let index = batches.count + 1
                batches.append(RolloutBatch(index: index, name: draft.name + phase.batchNote, operation: operation, hosts: draft.hosts.map(\.name),
                                            maxFailurePercent: draft.maxFailurePercent,
                                            criticalHosts: draft.hosts.filter(\.critical).map(\.name),
                                            pauseAfter: draft.pause, confirmAfter: draft.confirm, sizeRule: draft.sizeRule))
                placed += draft.hosts.map { ($0, index) }
            }
            let expander = StepExpander(playbook: playbook, hosts: placed, hostPlans: planByHost, desired: desired,
                                        previous: input.previous, etcdEndpointHost: etcdEndpoint(for: operation, input: input),
                                        rankOffset: rankOffset, removedHostNames: removedHostNames)
            expander.expand(into: &expanded)
            rankOffset += placed.count
        }
        var (steps, orderProblems) = StepOrdering.order(consume expanded)
        diagnostics += orderProblems
        if diagnostics.hasErrors { return PlanningResult(plan: nil, diagnostics: diagnostics) }
        // Batches whose hosts have no step (a no-op `when`) are dropped and the rest renumbered.
        var used = [Bool](repeating: false, count: batches.count + 1)
        for position in steps.indices { used[steps[position].batch] = true }
        var renumber = [Int](repeating: 0, count: batches.count + 1)
        var kept: [RolloutBatch] = []
        for batch in batches where used[batch.index] {
            var copy = batch
            copy.index = kept.count + 1
            renumber[batch.index] = copy.index
            kept.append(copy)
        }
        for position in steps.indices { steps[position].batch = renumber[steps[position].batch] }
        let plan = Plan(cluster: desired.name, kubernetesVersion: desired.kubernetes.version,
                        previousKubernetesVersion: input.previous?.kubernetes.version,
                        hosts: hostPlans, batches: kept, steps: steps)
        return PlanningResult(plan: plan, diagnostics: diagnostics)
    }

    /// One pass of a playbook over some of its hosts: `hosts` only (when set), else all but `excluded`.
    struct Phase {
        var operation: PlaybookOperation
        var hosts: Set<String>? = nil
        var excluded: Set<String> = []
        var batchNote = ""
    }

    /// `operationOrder` as phases. Leaving etcd members that are down (`removedFirst`) get a
    /// scale-down of their own before the scale-up: etcd adds no member while one is down.
    static func phases(removedFirst: Set<String>) -> [Phase] {
        operationOrder.flatMap { operation -> [Phase] in
            switch operation {
            case .scaleUp where !removedFirst.isEmpty:
                [Phase(operation: .scaleDown, hosts: removedFirst, batchNote: " (etcd member down: before scale-up)"), Phase(operation: .scaleUp)]
            case .scaleDown: [Phase(operation: .scaleDown, excluded: removedFirst)]
            default: [Phase(operation: operation)]
            }
        }
    }

    /// The hosts of one operation in rollout order: etcd-only, control plane, workers, inventory
    /// order within each; etcd members that join or leave in the membership order.
    private func hostsFor(_ operation: PlaybookOperation, plans: [HostPlan], input: PlanningInput, membershipOrder: [String]) -> [Host] {
        let names = plans.filter { $0.operation.playbook == operation }.map(\.host)
        guard !names.isEmpty else { return [] }
        let source = operation == .scaleDown ? (input.previous ?? input.desired) : input.desired
        // One lookup table, not a search of every host per name (quadratic at 10,000 hosts).
        let positions = Dictionary(source.hosts.indices.map { (source.hosts[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        var hosts = names.compactMap { positions[$0].map { source.hosts[$0] } }
        if operation == .scaleUp || operation == .scaleDown {
            let rank = Dictionary(membershipOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            let etcd = hosts.filter(\.isEtcd).sorted { (rank[$0.name] ?? Int.max, $0.name) < (rank[$1.name] ?? Int.max, $1.name) }
            hosts = etcd + hosts.filter { !$0.isEtcd }
        }
        // Sorting positions by a precomputed key: sorting the hosts themselves copied a `Host` per move.
        let groups = hosts.map { $0.isControlPlane ? 1 : $0.isEtcd ? 0 : 2 }
        return hosts.indices.sorted { (groups[$0], $0) < (groups[$1], $1) }.map { hosts[$0] }
    }

    /// A member that exists before and after the operation, to send membership changes to.
    private func etcdEndpoint(for operation: PlaybookOperation, input: PlanningInput) -> String? {
        guard let previous = input.previous else { return nil }
        let kept = previous.etcdHosts.filter { input.desired.host(named: $0.name)?.isEtcd ?? false }
        let healthy = kept.filter { !(input.observed?.isEtcdMemberDown($0.name) ?? false) }
        return (healthy.first ?? kept.first)?.name
    }
}
