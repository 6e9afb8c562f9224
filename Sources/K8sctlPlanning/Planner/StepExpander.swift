import K8sctlModel

/// A step instance with the keys that order it.
struct ExpandedStep {
    var step: PlanStep
    /// Position of the host in the operation's rollout order, then of the step in its playbook.
    var hostRank: Int
    var stepRank: Int
}

/// Turns one playbook and the hosts of one operation into concrete steps: selects the hosts of each
/// step (role, `once`, `when`), fills in variables and inventory-derived parameters, and resolves
/// `needs` to step IDs.
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

    func expand() -> [ExpandedStep] {
        // step name → (host rank → id), and the ranks in order.
        var instances: [String: [Int: String]] = [:]
        var orderedRanks: [String: [Int]] = [:]
        var selected: [(PlaybookStep, Int, [Int])] = []
        for (stepIndex, step) in playbook.steps.enumerated() {
            var ranks: [Int] = []
            for (rank, entry) in hosts.enumerated() where step.on.matches(entry.host) && applies(step, to: entry.host) {
                ranks.append(rank)
                if step.once { break }
            }
            var byRank: [Int: String] = [:]
            for rank in ranks { byRank[rank] = PlanStep.makeID(playbook.operation, hosts[rank].host.name, step.name) }
            instances[step.name] = byRank
            orderedRanks[step.name] = ranks
            selected.append((step, stepIndex, ranks))
        }
        var result: [ExpandedStep] = []
        var valuesCache: [Int: VariableValues] = [:]
        for (step, stepIndex, ranks) in selected {
            for rank in ranks {
                let host = hosts[rank].host
                let values = valuesCache[rank] ?? VariableValues(cluster: clusterFor(host), previous: previous, host: host,
                                                                         etcdEndpoint: etcdEndpointAddress)
                valuesCache[rank] = values
                var needs: [String] = []
                for need in step.needs {
                    let targets = instances[need.step] ?? [:]
                    switch need.scope {
                    case .sameHost, .local:
                        if let id = targets[rank] { needs.append(id) }
                    case .all:
                        needs += (orderedRanks[need.step] ?? []).compactMap { targets[$0] }
                    case .first:
                        if let first = orderedRanks[need.step]?.first, let id = targets[first], first != rank || need.step != step.name { needs.append(id) }
                    case .previous:
                        if let before = (orderedRanks[need.step] ?? []).last(where: { $0 < rank }), let id = targets[before] { needs.append(id) }
                    }
                }
                var seen = Set<String>()
                needs = needs.filter { seen.insert($0).inserted }
                let id = PlanStep.makeID(playbook.operation, host.name, step.name)
                let action = concreteAction(step.action.substituting(values), host: host)
                result.append(ExpandedStep(step: PlanStep(id: id, host: host.name, operation: playbook.operation, step: step.name,
                                                          batch: hosts[rank].batch, action: action, needs: needs),
                                           hostRank: rankOffset + rank, stepRank: stepIndex))
            }
        }
        return result
    }

    private var etcdEndpointAddress: String {
        guard let name = etcdEndpointHost, let host = desired.host(named: name) else { return "" }
        return host.clusterAddress.description
    }

    /// Removed hosts are described by the previous inventory.
    private func clusterFor(_ host: Host) -> Cluster {
        removedHostNames.contains(host.name) ? (previous ?? desired) : desired
    }

    private func applies(_ step: PlaybookStep, to host: Host) -> Bool {
        guard !step.when.isEmpty else { return true }
        let plan = hostPlans[host.name]
        let mode = clusterFor(host).controlPlane.endpoint.mode
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
    private func concreteAction(_ action: StepAction, host: Host) -> StepAction {
        let cluster = clusterFor(host)
        switch action {
        case .drain(let drain):
            return .drain(DrainAction(node: drain.node, settings: cluster.rollout.drain))
        case .etcdSnapshot(var snapshot):
            snapshot.retain = cluster.etcd.snapshotRetention
            return .etcdSnapshot(snapshot)
        case .etcdMemberAdd(var member):
            member.via = etcdEndpointHost
            return .etcdMemberAdd(member)
        case .etcdMemberRemove(var member):
            member.via = etcdEndpointHost
            return .etcdMemberRemove(member)
        case .uploadArtifact(var artifact):
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
