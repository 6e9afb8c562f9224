import Foundation
import K8sctlModel
import K8sctlPlanning
import K8sctlTestSupport
import K8sctlValidation
import Testing

/// Seeded random inventories and changes; every plan must keep the planner's invariants.
@Suite("Plan properties")
struct PlanPropertyTests {
    enum Change: CaseIterable { case install, scaleUp, scaleDown, upgrade, rollback, configChange, etcdBackup, stop, start }

    static func randomCluster(_ rng: inout SeededGenerator, version: String) -> Cluster {
        let stacked = Bool.random(using: &rng)
        var hosts: [K8sctlModel.Host] = []
        var address: UInt64 = 10
        func next(_ name: String, _ roles: Set<Role>, critical: Bool = false) -> K8sctlModel.Host {
            address += 1
            return K8sctlModel.Host(name: name, address: IPAddress("10.1.0.0")!.advanced(by: address), roles: roles, critical: critical)
        }
        let controlPlanes = [1, 3, 5].randomElement(using: &rng)!
        if stacked {
            for index in 1...controlPlanes { hosts.append(next("cp\(index)", [.controlPlane, .etcd])) }
        } else {
            let etcd = [1, 3, 5, 7].randomElement(using: &rng)!
            for index in 1...etcd { hosts.append(next("etcd\(index)", [.etcd])) }
            for index in 1...controlPlanes { hosts.append(next("cp\(index)", [.controlPlane])) }
        }
        for index in 0..<Int.random(in: 0...25, using: &rng) {
            hosts.append(next("w\(index + 1)", [.worker], critical: Int.random(in: 0..<10, using: &rng) == 0))
        }
        var cluster = Cluster(name: "random", kubernetes: KubernetesSettings(version: SemanticVersion(version)!), hosts: hosts)
        cluster.etcd.topology = stacked ? .stacked : .external
        cluster.rollout.workers.batchSize = Bool.random(using: &rng) ? .percent([10, 20, 50].randomElement(using: &rng)!)
                                                                     : .count(Int.random(in: 1...4, using: &rng))
        cluster.rollout.controlPlane.batchSize = Int.random(in: 1...3, using: &rng)
        return cluster
    }

    /// A (previous, desired) pair for `change`, keeping at least one etcd member and one control plane.
    static func scenario(seed: UInt64) -> (change: Change, previous: Cluster?, desired: Cluster) {
        var rng = SeededGenerator(state: seed)
        let change = Change.allCases.randomElement(using: &rng)!
        let base = randomCluster(&rng, version: "1.30.8")
        switch change {
        case .install:
            return (change, nil, base)
        case .scaleUp:
            var smaller = base
            let etcd = base.etcdHosts.map(\.name), workers = base.workerHosts.map(\.name)
            let dropEtcd = Set(etcd.dropFirst().shuffled(using: &rng).prefix(Int.random(in: 0...max(0, etcd.count - 1), using: &rng)))
            let dropWorkers = Set(workers.shuffled(using: &rng).prefix(Int.random(in: 0...workers.count, using: &rng)))
            smaller.hosts.removeAll { dropEtcd.contains($0.name) || dropWorkers.contains($0.name) }
            smaller.hosts.removeAll { $0.isControlPlane && !$0.isEtcd && $0.name != base.controlPlaneHosts.first?.name && Bool.random(using: &rng) }
            return (change, smaller, base)
        case .scaleDown:
            var smaller = base
            let etcd = base.etcdHosts.map(\.name)
            // Remove up to half of the members (rounded down), the rest always keeps quorum.
            let dropEtcd = Set(etcd.dropFirst().shuffled(using: &rng).prefix(Int.random(in: min(1, etcd.count / 2)...(etcd.count / 2), using: &rng)))
            smaller.hosts.removeAll { dropEtcd.contains($0.name) || ($0.isWorker && Bool.random(using: &rng)) }
            return (change, base, smaller)
        case .upgrade:
            var newer = base
            newer.kubernetes.version = SemanticVersion("1.31.4")!
            return (change, base, newer)
        case .rollback:
            var newer = base
            newer.kubernetes.version = SemanticVersion("1.31.4")!
            return (change, newer, base)
        case .configChange:
            var changed = base
            if Bool.random(using: &rng) { changed.controlPlane.extraArgs.apiserver["v"] = "4" }
            if Bool.random(using: &rng) { changed.kubelet.maxPods = 150 }
            if Bool.random(using: &rng) { changed.etcd.extraArgs["quota-backend-bytes"] = "8589934592" }
            if let index = changed.hosts.indices.randomElement(using: &rng) { changed.hosts[index].labels["k"] = "v" }
            return (change, base, changed)
        case .etcdBackup, .stop, .start:
            return (change, nil, base)
        }
    }

    static let seeds: [UInt64] = Array(1...240)

    static func maintenance(_ change: Change) -> PlaybookOperation? {
        switch change {
        case .etcdBackup: .etcdBackup
        case .stop: .stop
        case .start: .start
        default: nil
        }
    }

    @Test(arguments: seeds)
    func everyPlan_keepsItsInvariants(seed: UInt64) throws {
        let (change, previous, desired) = Self.scenario(seed: seed)
        let plan = try PlanningFixtures.plan(previous: previous, desired: desired, maintenance: Self.maintenance(change))
        let context = "seed \(seed) (\(change))"

        // Every need names a step that comes earlier: the order is topological, so the graph is acyclic.
        var position: [String: Int] = [:]
        for (index, step) in plan.steps.enumerated() {
            #expect(position[step.id] == nil, "\(context): duplicate id \(step.id)")
            position[step.id] = index
        }
        for (index, step) in plan.steps.enumerated() {
            for need in step.needs {
                let at = try #require(position[need], "\(context): \(step.id) needs unknown \(need)")
                #expect(at < index, "\(context): \(step.id) runs before its need \(need)")
            }
        }
        // Steps run batch by batch and each step's host is in its batch.
        #expect(plan.steps.map(\.batch) == plan.steps.map(\.batch).sorted(), "\(context): batches interleave")
        let batchHosts = Dictionary(plan.batches.map { ($0.index, Set($0.hosts)) }, uniquingKeysWith: { a, _ in a })
        for step in plan.steps { #expect(batchHosts[step.batch]?.contains(step.host) == true, "\(context): \(step.id) outside its batch") }

        // No batch takes down more etcd members (or API servers) than quorum allows.
        let members = (previous ?? desired).etcdHosts.count
        let apiServers = desired.controlPlaneHosts.count
        for batch in plan.batches where ![.install, .start, .stop, .etcdBackup].contains(batch.operation) {
            let hosts = batch.hosts.compactMap { desired.host(named: $0) ?? previous?.host(named: $0) }
            let etcd = hosts.filter(\.isEtcd).count
            let controlPlaneOnly = hosts.filter { $0.isControlPlane && !$0.isEtcd }.count
            #expect(etcd <= max(1, QuorumArithmetic.failureTolerance(of: members)), "\(context): \(batch.name) has \(etcd) etcd members of \(members)")
            #expect(controlPlaneOnly <= max(1, QuorumArithmetic.failureTolerance(of: apiServers)), "\(context): \(batch.name) has \(controlPlaneOnly) API servers of \(apiServers)")
            #expect(etcd + controlPlaneOnly == 0 || hosts.allSatisfy { $0.isEtcd || $0.isControlPlane }, "\(context): \(batch.name) mixes workers with the control plane")
        }

        // etcd removals: at most one per batch, and each after the previous removal's health check.
        let removals = plan.steps.filter { $0.action.kind == .etcdMemberRemove }
        for batch in plan.batches {
            #expect(removals.filter { $0.batch == batch.index }.count <= 1, "\(context): several removals in \(batch.name)")
        }
        let byID = Dictionary(plan.steps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func dependsOn(_ step: PlanStep, _ target: String) -> Bool {
            var seen = Set<String>(), stack = step.needs
            while let next = stack.popLast() {
                if next == target { return true }
                if seen.insert(next).inserted { stack += byID[next]?.needs ?? [] }
            }
            return false
        }
        for (earlier, later) in zip(removals, removals.dropFirst()) {
            let healthChecks = plan.steps.filter { $0.action.kind == .wait && $0.needs.contains(earlier.id) }
            #expect(!healthChecks.isEmpty, "\(context): no health check after removing \(earlier.host)")
            #expect(healthChecks.contains { dependsOn(later, $0.id) }, "\(context): \(later.id) does not wait for the health check after \(earlier.id)")
        }
        // Likewise etcd additions: each after the previous new member is healthy.
        let additions = plan.steps.filter { $0.action.kind == .etcdMemberAdd }
        for (earlier, later) in zip(additions, additions.dropFirst()) {
            let healthy = plan.steps.filter { $0.host == earlier.host && $0.action.kind == .wait && dependsOn($0, earlier.id) }
            #expect(healthy.contains { dependsOn(later, $0.id) }, "\(context): \(later.id) does not wait for \(earlier.host) to be healthy")
        }
        // An upgrade snapshots etcd before anything else changes.
        if change == .upgrade {
            let snapshot = try #require(plan.steps.first { $0.action.kind == .etcdSnapshot }, "\(context): no snapshot")
            #expect(snapshot.batch == 1)
            for step in plan.steps where step.action.kind.changesHost && step.id != snapshot.id {
                #expect(dependsOn(step, snapshot.id), "\(context): \(step.id) does not wait for the snapshot")
            }
        }
        // Scale-down never deletes data: the only commands move directories aside (the shipped
        // move-aside script, whose `mv` without `-f`/`rm` is exercised by DecommissionMoveAsideTests).
        for step in plan.steps where step.operation == .scaleDown {
            if case .command(let command) = step.action {
                #expect(command.argv.prefix(2) == ["sh", "-c"] && command.argv.count == 5 && command.argv[3] == "k8sctl-move-aside"
                        && command.argv[2].contains("exec mv -- \"$dir\" \"$to\"") && !command.argv[2].contains("rm "),
                        "\(context): \(command.argv)")
            }
        }
    }

    /// The generator must reach the interesting cases, or the invariants above check nothing.
    @Test func seeds_coverChainedMembershipChanges() throws {
        var chainedRemovals = 0, chainedAdditions = 0, quorumBatches = 0
        for seed in Self.seeds {
            let (change, previous, desired) = Self.scenario(seed: seed)
            let plan = try PlanningFixtures.plan(previous: previous, desired: desired, maintenance: Self.maintenance(change))
            if plan.steps.filter({ $0.action.kind == .etcdMemberRemove }).count >= 2 { chainedRemovals += 1 }
            if plan.steps.filter({ $0.action.kind == .etcdMemberAdd }).count >= 2 { chainedAdditions += 1 }
            if plan.batches.contains(where: { $0.operation != .install && $0.maxFailurePercent == 0 && $0.hosts.count == 2 }) { quorumBatches += 1 }
        }
        #expect(chainedRemovals >= 3)
        #expect(chainedAdditions >= 3)
        #expect(quorumBatches >= 3)
    }

    @Test(arguments: [3, 17, 42, 99])
    func graphOutput_isAcceptedByGraphviz(seed: UInt64) throws {
        try #require(ProcessRunner.isAvailable("dot"), "graphviz (dot) is required")
        let (change, previous, desired) = Self.scenario(seed: seed)
        let dot = PlanDOTFormatter().format(try PlanningFixtures.plan(previous: previous, desired: desired, maintenance: Self.maintenance(change)))
        let output = try ProcessRunner.run("dot", ["-Tsvg"], stdin: dot)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.isEmpty, "\(output.stderr)")
        #expect(output.stdout.contains("<svg"))
    }
}
