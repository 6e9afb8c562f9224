import K8sctlModel
import K8sctlPlanning
import Testing

@Suite("Maintenance operations: etcd-backup, stop, start")
struct MaintenanceOperationTests {
    @Test func etcdBackup_isOneSnapshotThroughTheFirstMember() throws {
        let cluster = try PlanningFixtures.cluster("etcd-5.yaml")
        let plan = try PlanningFixtures.plan(desired: cluster, maintenance: .etcdBackup)
        let snapshots = plan.steps.filter { $0.action.kind == .etcdSnapshot }
        #expect(snapshots.map(\.host) == ["etcd1"])
        guard case .etcdSnapshot(let snapshot) = snapshots.first?.action else { Issue.record("no snapshot"); return }
        #expect(snapshot.directory == "/data/etcd-snapshots")
        #expect(snapshot.name == "backup-v1.30.8.db")
        #expect(snapshot.retain == 10)
        #expect(plan.batches.map(\.hosts) == [["etcd1"]])
        #expect(plan.hosts.filter { $0.operation == .etcdBackup }.map(\.host) == ["etcd1"])
    }

    @Test func stop_goesWorkersThenControlPlaneThenEtcd() throws {
        let plan = try PlanningFixtures.plan(desired: try PlanningFixtures.cluster("etcd-5.yaml"), maintenance: .stop)
        func lastBatch(_ hosts: [String]) -> Int { plan.steps.filter { hosts.contains($0.host) }.map(\.batch).max()! }
        func firstBatch(_ hosts: [String]) -> Int { plan.steps.filter { hosts.contains($0.host) }.map(\.batch).min()! }
        #expect(lastBatch(["w1", "w2", "w3", "w4"]) < firstBatch(["cp1", "cp2", "cp3"]))
        #expect(lastBatch(["cp1", "cp2", "cp3"]) < firstBatch(["etcd1", "etcd2", "etcd3", "etcd4", "etcd5"]))
        #expect(plan.steps.allSatisfy { step in
            if case .unit(let unit) = step.action { return unit.state == .stopped && unit.enabled } else { return false }
        })
    }

    @Test func start_waitsForEveryEtcdMemberBeforeAnyKubelet() throws {
        let plan = try PlanningFixtures.plan(desired: try PlanningFixtures.cluster("ha-3.yaml"), maintenance: .start)
        let etcdHealthy = Set(plan.steps.filter { $0.step == "etcd-healthy" }.map(\.id))
        #expect(etcdHealthy.count == 3)
        for step in plan.steps where step.step == "kubelet-start" {
            #expect(etcdHealthy.isSubset(of: Set(step.needs)))
        }
    }

    @Test func maintenance_withAChangedInventory_isRefused() throws {
        let previous = try PlanningFixtures.cluster("ha-3.yaml")
        let desired = PlanningFixtures.without(["w3"], in: previous)
        let result = Planner().plan(PlanningInput(previous: previous, desired: desired, playbooks: PlanningFixtures.shippedPlaybooks,
                                                  maintenance: .stop))
        #expect(result.plan == nil)
        #expect(result.diagnostics.first?.message.contains("changes nothing in the inventory") == true)
    }

    @Test func changeOperation_askedAsMaintenance_isRefused() throws {
        let result = Planner().plan(PlanningInput(desired: try PlanningFixtures.cluster("ha-3.yaml"),
                                                  playbooks: PlanningFixtures.shippedPlaybooks, maintenance: .upgrade))
        #expect(result.plan == nil)
        #expect(result.diagnostics.first?.hint == "use one of etcd-backup, stop, start")
    }
}
