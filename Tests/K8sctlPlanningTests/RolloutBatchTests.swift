import K8sctlModel
@testable import K8sctlPlanning
import Testing

@Suite("Rollout batches")
struct RolloutBatchTests {
    @Test(arguments: [(1, 1), (2, 1), (3, 1), (4, 1), (5, 2), (6, 2), (7, 3), (9, 4)])
    func quorumBatchLimit_isFailureToleranceAtLeastOne(members: Int, limit: Int) {
        #expect(RolloutBatcher.quorumBatchLimit(members: members) == limit)
    }

    static func etcdCluster(members: Int, controlPlaneBatch: Int) -> Cluster {
        var hosts: [K8sctlModel.Host] = []
        for index in 1...members {
            hosts.append(K8sctlModel.Host(name: "e\(index)", address: IPAddress("10.0.0.\(index)")!, roles: [.etcd]))
        }
        hosts.append(K8sctlModel.Host(name: "cp1", address: IPAddress("10.0.1.1")!, roles: [.controlPlane]))
        var cluster = Cluster(name: "c", kubernetes: KubernetesSettings(version: SemanticVersion("1.30.8")!), hosts: hosts)
        cluster.etcd.topology = .external
        cluster.rollout.controlPlane.batchSize = controlPlaneBatch
        return cluster
    }

    /// (members, rollout.controlPlane.batchSize, expected etcd batch sizes of an upgrade)
    @Test(arguments: [(3, 1, [1, 1, 1]), (3, 3, [1, 1, 1]), (5, 1, [1, 1, 1, 1, 1]), (5, 3, [2, 2, 1]), (7, 5, [3, 3, 1])])
    func upgrade_etcdBatches_areCappedByQuorumAndPolicy(members: Int, batchSize: Int, sizes: [Int]) throws {
        let previous = Self.etcdCluster(members: members, controlPlaneBatch: batchSize)
        var desired = previous
        desired.kubernetes.version = SemanticVersion("1.31.4")!
        let plan = try PlanningFixtures.plan(previous: previous, desired: desired)
        let etcdBatches = plan.batches.filter { $0.name.contains("etcd") }
        #expect(etcdBatches.map(\.hosts.count) == sizes)
        #expect(etcdBatches.allSatisfy { $0.maxFailurePercent == 0 })
    }

    @Test func rollback_reversesTheUpgradeOrder_andKeepsPausesBetweenWorkerBatches() throws {
        var newer = try PlanningFixtures.haWithTenWorkers(version: "1.31.4")
        newer.rollout.workers.pauseBetweenBatches = .seconds(30)
        var older = newer
        older.kubernetes.version = SemanticVersion("1.30.8")!
        let upgrade = try PlanningFixtures.plan(previous: older, desired: newer)
        let rollback = try PlanningFixtures.plan(previous: newer, desired: older)
        #expect(rollback.batches.map(\.hosts) == upgrade.batches.reversed().map { $0.hosts.reversed() })
        let workers = rollback.batches.filter { $0.name.contains("workers") }
        #expect(workers.dropLast().allSatisfy { $0.pauseAfter == .seconds(30) })
        #expect(workers.last?.pauseAfter == nil)
        for host in rollback.hosts.map(\.host) {
            let steps = rollback.steps(onHost: host).map(\.step)
            #expect(steps.contains("restore"))
            if let drain = steps.firstIndex(of: "drain") { #expect(drain < steps.firstIndex(of: "restore")!) }
        }
    }

    @Test func scaleDown_removesWorkersFirst_thenEtcdOnePerBatch() throws {
        let previous = try PlanningFixtures.cluster("etcd-5.yaml")
        let desired = PlanningFixtures.without(["w4", "etcd4", "etcd5"], in: previous)
        let plan = try PlanningFixtures.plan(previous: previous, desired: desired)
        let scaleDown = plan.batches.filter { $0.operation == .scaleDown }
        #expect(scaleDown.map(\.hosts) == [["w4"], ["etcd4"], ["etcd5"]])
    }

    @Test func downMemberObserved_isRemovedFirst_throughAHealthyMember() throws {
        let previous = try PlanningFixtures.cluster("etcd-5.yaml")
        let desired = PlanningFixtures.without(["etcd4", "etcd5"], in: previous)
        let observed = ObservedState(hosts: ["etcd5": HostObservation(reachable: false), "etcd1": HostObservation(etcdHealth: .unhealthy)])
        let plan = try PlanningFixtures.plan(previous: previous, desired: desired, observed: observed)
        let removals = plan.steps.filter { $0.action.kind == .etcdMemberRemove }
        #expect(removals.map(\.host) == ["etcd5", "etcd4"])
        for removal in removals {
            guard case .etcdMemberRemove(let member) = removal.action else { continue }
            #expect(member.via == "etcd2")
        }
    }
}
