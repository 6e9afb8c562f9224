import K8sctlModel
@testable import K8sctlPlanning
import Testing

/// Workers being added (install, scale-up) go in batches of `rollout.workers.newHostBatchSize`
/// (100% by default); changes to workers that run keep `rollout.workers.batchSize`.
@Suite("Batches of new workers")
struct NewHostBatchTests {
    static func workerBatches(_ plan: Plan) -> [RolloutBatch] { plan.batches.filter { $0.name.contains("workers") } }

    @Test func install_putsEveryWorkerInOneBatch_byDefault_withTheFailureBudget() throws {
        let cluster = try PlanningFixtures.haWithTenWorkers(version: "1.31.4")  // batchSize 20%
        #expect(cluster.rollout.workers.newHostBatchSize == .percent(100))
        let plan = try PlanningFixtures.plan(desired: cluster)
        let workers = Self.workerBatches(plan)
        #expect(workers.map(\.hosts.count) == [10])
        #expect(workers.allSatisfy { $0.maxFailurePercent == cluster.rollout.workers.maxFailurePercent })
        #expect(workers.first?.sizeRule == "newHostBatchSize 100% (new hosts)")
        // The control plane keeps its own batch, before the workers.
        #expect(plan.batches.first?.name == "install: control plane")
        #expect(PlanTextFormatter().format(plan).contains("batches of newHostBatchSize 100% (new hosts)"))
    }

    @Test(arguments: [(BatchSize.count(3), [3, 3, 3, 1]), (.percent(50), [5, 5]), (.percent(20), [2, 2, 2, 2, 2]), (.count(1), Array(repeating: 1, count: 10))])
    func install_cutsWorkersByNewHostBatchSize_notBatchSize(size: BatchSize, expected: [Int]) throws {
        var cluster = try PlanningFixtures.haWithTenWorkers(version: "1.31.4")
        cluster.rollout.workers.batchSize = .count(7)
        cluster.rollout.workers.newHostBatchSize = size
        #expect(Self.workerBatches(try PlanningFixtures.plan(desired: cluster)).map(\.hosts.count) == expected)
    }

    @Test func scaleUp_batchesTheNewWorkersOnly_byNewHostBatchSize() throws {
        let previous = try PlanningFixtures.haWithTenWorkers(version: "1.31.4")
        var desired = previous
        for index in 11...16 {
            desired.hosts.append(K8sctlModel.Host(name: "w\(index)", address: IPAddress("10.0.0.\(20 + index)")!, roles: [.worker],
                                                  path: "spec.hosts[\(2 + index)]"))
        }
        let plan = try PlanningFixtures.plan(previous: previous, desired: desired)
        let added = Self.workerBatches(plan).filter { $0.operation == .scaleUp }
        #expect(added.map(\.hosts) == [(11...16).map { "w\($0)" }])
        // The existing workers take no part in the scale-up.
        #expect(Set(plan.batches.flatMap(\.hosts)).isDisjoint(with: (1...10).map { "w\($0)" }))

        var stepwise = desired
        stepwise.rollout.workers.newHostBatchSize = .count(4)
        let cut = Self.workerBatches(try PlanningFixtures.plan(previous: previous, desired: stepwise))
        #expect(cut.map(\.hosts.count) == [4, 2])
        #expect(cut.allSatisfy { $0.sizeRule == "newHostBatchSize 4 (new hosts)" })
    }

    @Test func upgradeOfExistingWorkers_keepsBatchSize() throws {
        let older = try PlanningFixtures.haWithTenWorkers(version: "1.30.8")
        var newer = PlanningFixtures.withVersion("1.31.4", older)
        newer.rollout.workers.newHostBatchSize = .percent(100)
        let workers = Self.workerBatches(try PlanningFixtures.plan(previous: older, desired: newer))
        #expect(workers.map(\.hosts.count) == [2, 2, 2, 2, 2])
        #expect(workers.allSatisfy { $0.sizeRule == "batchSize 20%" })
    }
}
