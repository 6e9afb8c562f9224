import K8sctlModel

/// Expanded step instances with the keys that order them, as columns: at 5,000 hosts there are
/// ~95,000 instances, and a struct per instance (with its own `needs` array) cost an allocation,
/// a copy into the planner's list and a copy out in order, each retaining every field.
struct ExpandedSteps {
    /// Optional so that ordering can move each step out of its slot instead of copying it.
    var steps: [PlanStep?] = []
    /// Position of the host in the operation's rollout order, then of the step in its playbook.
    var hostRank: [Int] = []
    var stepRank: [Int] = []
    /// `steps[i].needs` as positions in `steps` (same order): `needTargets[needStart[i]..<needStart[i + 1]]`,
    /// so ordering works on integers instead of hashing every step ID again.
    var needStart: [Int] = [0]
    var needTargets: [Int] = []

    var count: Int { steps.count }

    func needPositions(of index: Int) -> Range<Int> { needStart[index]..<needStart[index + 1] }

    mutating func reserveCapacity(_ extra: Int) {
        steps.reserveCapacity(steps.count + extra)
        hostRank.reserveCapacity(hostRank.count + extra)
        stepRank.reserveCapacity(stepRank.count + extra)
        needStart.reserveCapacity(needStart.count + extra)
    }
}

/// Turns one playbook and the hosts of one operation into concrete steps: selects the hosts of each
/// step (role, `once`, `when`), fills in variables and inventory-derived parameters, and resolves
/// `needs` to step IDs.
///
/// At scale most of a plan is the same action on thousands of hosts: a step whose parameters name
/// no host variable (`{{host.name}}`, `{{host.address}}`, `{{host.labels}}`, `{{host.taints}}`) gets
/// one substituted action per cluster description, shared by every host (values are copy-on-write,
/// so the hosts share its storage too).
struct StepExpander {
    let playbook: Playbook
    /// Hosts in rollout order, each with the batch index it runs in.
    let hosts: [(host: Host, batch: Int)]
    let hostPlans: [String: HostPlan]
    let desired: Cluster
    let previous: Cluster?
    /// The etcd member that stays and receives `member add/remove` requests.
    let etcdEndpointHost: String?
    /// Host rank offset so ranks stay unique across operations.
    let rankOffset: Int
    /// Hosts only in the previous inventory (looked up per step, so a set rather than a search).
    let removedHostNames: Set<String>

    /// One step's instances: the host ranks it runs on (ascending) and where each instance lands.
    private struct Instances {
        var ranks: [Int]
        /// Index into `ranks` by host rank, -1 where the step does not run.
        var slotByRank: [Int]
        /// Position of the first instance in the result.
        var base: Int

        func position(ofRank rank: Int) -> Int? {
            let slot = slotByRank[rank]
            return slot < 0 ? nil : base + slot
        }
    }

    /// Appends this playbook's step instances to `result` (positions in `needTargets` count from
    /// the start of `result`).
    func expand(into result: inout ExpandedSteps) {
        let positionOffset = result.count
        // Per-host facts in flat arrays: binding a whole `Host` per step and host copied (retained)
        // every field of it, ~200,000 times for 5,000 hosts.
        // (Fields read through the array in one pass: `hosts.map { … $0.host … }` copied each host.)
        var names: [String] = [], batches: [Int] = [], removed: [Bool] = [], selection: [HostSelection] = []
        names.reserveCapacity(hosts.count)
        batches.reserveCapacity(hosts.count)
        removed.reserveCapacity(hosts.count)
        selection.reserveCapacity(hosts.count)
        for index in hosts.indices {
            names.append(hosts[index].host.name)
            batches.append(hosts[index].batch)
            removed.append(!removedHostNames.isEmpty && removedHostNames.contains(names[index]))
            selection.append(HostSelection(roles: hosts[index].host.roles))
        }
        // The API endpoint mode of each cluster description (index 1: removed hosts), for `when`.
        let endpointModes = [desired.controlPlane.endpoint.mode, (previous ?? desired).controlPlane.endpoint.mode]
        var instances: [Instances] = []
        var stepIndexByName: [String: Int] = [:]
        var total = 0
        for (stepIndex, step) in playbook.steps.enumerated() {
            var ranks: [Int] = []
            for rank in hosts.indices where selection[rank].matches(step.on)
                && applies(step, to: selection[rank], named: names[rank], endpointMode: endpointModes[removed[rank] ? 1 : 0]) {
                ranks.append(rank)
                if step.once { break }
            }
            var slotByRank = [Int](repeating: -1, count: hosts.count)
            for (slot, rank) in ranks.enumerated() { slotByRank[rank] = slot }
            instances.append(Instances(ranks: ranks, slotByRank: slotByRank, base: total))
            stepIndexByName[step.name] = stepIndex
            total += ranks.count
        }
        // Each step's needs resolved to the step they name once, not by a name lookup per instance.
        let resolvedNeeds = playbook.steps.map { step in
            step.needs.compactMap { need in
                stepIndexByName[need.step].map { (target: $0, scope: need.scope, isOwnStep: need.step == step.name) }
            }
        }
        var ids: [String] = []
        ids.reserveCapacity(total)
        for (stepIndex, step) in playbook.steps.enumerated() {
            for rank in instances[stepIndex].ranks {
                ids.append(PlanStep.makeID(playbook.operation, names[rank], step.name))
            }
        }

        let endpointAddress = etcdEndpointAddress
        result.reserveCapacity(total)
        var needs: [Int] = []
        var valuesCache = [VariableValues?](repeating: nil, count: hosts.count)
        // The variables every host of one cluster description shares (index 1: removed hosts).
        let clusterValues = [false, true].map {
            ClusterVariableValues(cluster: cluster(removed: $0), previous: previous, etcdEndpoint: endpointAddress)
        }
        // Completed actions of host-independent steps, per step and cluster description (index 1:
        // removed hosts).
        var shared: [StepAction?] = [nil, nil]
        for (stepIndex, step) in playbook.steps.enumerated() {
            let own = instances[stepIndex]
            let perHost = step.action.usesHostVariables
            shared = [nil, nil]
            for (slot, rank) in own.ranks.enumerated() {
                let action: StepAction
                let isRemoved = removed[rank]
                if !perHost, let done = shared[isRemoved ? 1 : 0] {
                    action = done
                } else {
                    let values: VariableValues
                    if let cached = valuesCache[rank] {
                        values = cached
                    } else {
                        values = VariableValues(shared: clusterValues[isRemoved ? 1 : 0], cluster: cluster(removed: isRemoved), host: hosts[rank].host)
                        valuesCache[rank] = values
                    }
                    action = concreteAction(step.action.substituting(values), removed: isRemoved)
                    if !perHost { shared[isRemoved ? 1 : 0] = action }
                }
                needs.removeAll(keepingCapacity: true)
                for need in resolvedNeeds[stepIndex] {
                    let targets = instances[need.target]
                    switch need.scope {
                    case .sameHost, .local:
                        if let position = targets.position(ofRank: rank) { needs.append(position) }
                    case .all:
                        needs += targets.ranks.indices.map { targets.base + $0 }
                    case .first:
                        if let first = targets.ranks.first, first != rank || !need.isOwnStep { needs.append(targets.base) }
                    case .previous:
                        if let slot = Self.lastSlot(in: targets.ranks, below: rank) { needs.append(targets.base + slot) }
                    }
                }
                Self.removeRepeats(&needs)
                let position = own.base + slot
                result.steps.append(PlanStep(id: ids[position], host: names[rank], operation: playbook.operation, step: step.name,
                                             batch: batches[rank], action: action, needs: needs.map { ids[$0] }))
                result.hostRank.append(rankOffset + rank)
                result.stepRank.append(stepIndex)
                for need in needs { result.needTargets.append(positionOffset + need) }
                result.needStart.append(result.needTargets.count)
            }
        }
    }

    /// The slot of the last rank below `rank` in ascending `ranks` (the host before in rollout order).
    static func lastSlot(in ranks: [Int], below rank: Int) -> Int? {
        var low = 0, high = ranks.count
        while low < high {
            let middle = (low + high) / 2
            if ranks[middle] < rank { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// `positions` without repeats, first occurrences in order.
    static func removeRepeats(_ positions: inout [Int]) {
        guard positions.count > 1 else { return }
        if positions.count <= 16 {
            var kept = 0
            for index in positions.indices where !positions[..<kept].contains(positions[index]) {
                positions[kept] = positions[index]
                kept += 1
            }
            positions.removeLast(positions.count - kept)
            return
        }
        var seen = Set<Int>(minimumCapacity: positions.count)
        positions = positions.filter { seen.insert($0).inserted }
    }

    /// Computed once per expansion: a host search per step instance was quadratic in the host count.
    private var etcdEndpointAddress: String {
        guard let name = etcdEndpointHost, let host = desired.host(named: name) else { return "" }
        return host.clusterAddress.description
    }

    /// Removed hosts are described by the previous inventory.
    private func cluster(removed: Bool) -> Cluster {
        removed ? (previous ?? desired) : desired
    }

    /// What step selection needs to know about a host.
    private struct HostSelection {
        var isControlPlane: Bool
        var isEtcd: Bool
        var isWorker: Bool

        init(roles: Set<Role>) {
            isControlPlane = roles.contains { $0 == .controlPlane }
            isEtcd = roles.contains { $0 == .etcd }
            isWorker = roles.contains { $0 == .worker }
        }

        /// `RoleSelector.matches(_:)` on these flags.
        func matches(_ selector: RoleSelector) -> Bool {
            switch selector {
            case .all: true
            case .controlPlane: isControlPlane
            case .etcd: isEtcd
            case .worker: isWorker
            case .kubelet: isControlPlane || isWorker
            }
        }
    }

    private func applies(_ step: PlaybookStep, to host: HostSelection, named name: String, endpointMode mode: APIEndpoint.Mode) -> Bool {
        guard !step.when.isEmpty else { return true }
        let plan = hostPlans[name]
        return step.when.allSatisfy { condition in
            switch condition {
            // Control-plane hosts reach their own API server; the proxy runs everywhere else.
            case .endpointLocalProxy: mode == .localProxy && !host.isControlPlane
            case .endpointVIP: mode == .vip
            default: plan?.aspects.contains(condition) ?? false
            }
        }
    }

    /// Parameters the playbook cannot know: drain settings, artifact pins, the etcd endpoint.
    /// (The cluster is looked up only by the cases that read it: it is a copy, retaining every field.)
    private func concreteAction(_ action: StepAction, removed: Bool) -> StepAction {
        switch action {
        case .drain(let drain):
            return .drain(DrainAction(node: drain.node, settings: cluster(removed: removed).rollout.drain))
        case .etcdSnapshot(var snapshot):
            snapshot.retain = cluster(removed: removed).etcd.snapshotRetention
            return .etcdSnapshot(snapshot)
        case .etcdMemberAdd(var member):
            member.via = etcdEndpointHost
            return .etcdMemberAdd(member)
        case .etcdMemberRemove(var member):
            member.via = etcdEndpointHost
            return .etcdMemberRemove(member)
        case .uploadArtifact(var artifact):
            let cluster = cluster(removed: removed)
            let version = Self.version(of: artifact.component, in: cluster)
            artifact.version = version
            artifact.sha256 = version.flatMap { cluster.artifacts.pin(component: artifact.component, version: $0) }
            return .uploadArtifact(artifact)
        default:
            return action
        }
    }

    /// The version of an artifact: Kubernetes' for its own binaries, etcd's for etcd, otherwise the
    /// highest version pinned in `artifacts.sha256`.
    static func version(of component: String, in cluster: Cluster) -> String? {
        guard let known = ArtifactComponent(rawValue: component) else { return nil }
        if known.followsKubernetesVersion { return cluster.kubernetes.version.description }
        if known == .etcd || known == .etcdctl { return cluster.etcdVersion.description }
        let pinned = (cluster.artifacts.sha256[component] ?? [:]).keys.compactMap { key in SemanticVersion(key).map { (key, $0) } }
        return pinned.max { $0.1 < $1.1 }?.0
    }
}
