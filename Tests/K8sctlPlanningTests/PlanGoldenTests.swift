import Foundation
import K8sctlModel
import K8sctlPlanning
import K8sctlTestSupport
import Testing

/// Plans of the sample inventories against reviewed files in Tests/Fixtures/plans/.
/// Regenerate after an intended change with `K8SCTL_UPDATE_GOLDEN=1 swift test --filter PlanGolden`
/// and review the diff.
@Suite("Plan golden files")
struct PlanGoldenTests {
    struct Scenario: CustomTestStringConvertible, Sendable {
        var name: String
        var json: Bool
        var make: @Sendable () throws -> (previous: Cluster?, desired: Cluster)
        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "install-single-node", json: true) { (nil, try PlanningFixtures.cluster("single-node.yaml")) },
        Scenario(name: "install-ha-3", json: false) { (nil, try PlanningFixtures.cluster("ha-3.yaml")) },
        Scenario(name: "install-dedicated-etcd", json: false) { (nil, try PlanningFixtures.cluster("etcd-5.yaml")) },
        Scenario(name: "scale-up-control-plane-1-to-3", json: false) {
            let desired = try PlanningFixtures.cluster("ha-3.yaml")
            return (PlanningFixtures.without(["cp2", "cp3"], in: desired), desired)
        },
        Scenario(name: "scale-down-etcd-5-to-3", json: true) {
            let previous = try PlanningFixtures.cluster("etcd-5.yaml")
            return (previous, PlanningFixtures.without(["etcd4", "etcd5"], in: previous))
        },
        Scenario(name: "upgrade-1.30-to-1.31-workers-20-percent", json: false) {
            (try PlanningFixtures.haWithTenWorkers(version: "1.30.8"), try PlanningFixtures.haWithTenWorkers(version: "1.31.4"))
        },
        Scenario(name: "rollback-1.31-to-1.30", json: false) {
            (try PlanningFixtures.haWithTenWorkers(version: "1.31.4"), try PlanningFixtures.haWithTenWorkers(version: "1.30.8"))
        },
        Scenario(name: "config-change-apiserver-flag-and-kubelet", json: false) {
            let previous = try PlanningFixtures.cluster("pools-zones.yaml")
            var desired = previous
            desired.controlPlane.extraArgs.apiserver["audit-log-maxage"] = "60"
            desired.kubelet.maxPods = 200
            desired.hosts[7].labels["gpu-model"] = "h100"
            return (previous, desired)
        },
    ]

    @Test(arguments: scenarios)
    func plan_matchesGoldenFile(scenario: Scenario) throws {
        let (previous, desired) = try scenario.make()
        let plan = try PlanningFixtures.plan(previous: previous, desired: desired)
        try compare(PlanTextFormatter(verbose: true).format(plan), to: "\(scenario.name).txt")
        if scenario.json { try compare(try PlanJSON.encode(plan), to: "\(scenario.name).json") }
    }

    @Test(arguments: scenarios)
    func plan_isByteIdenticalAcrossRuns(scenario: Scenario) throws {
        let (previous, desired) = try scenario.make()
        let first = try PlanJSON.encode(try PlanningFixtures.plan(previous: previous, desired: desired))
        let second = try PlanJSON.encode(try PlanningFixtures.plan(previous: previous, desired: desired))
        #expect(first == second)
    }

    @Test func savedPlan_decodesToTheSamePlan() throws {
        let previous = try PlanningFixtures.cluster("etcd-5.yaml")
        let plan = try PlanningFixtures.plan(previous: previous, desired: PlanningFixtures.without(["etcd5"], in: previous))
        #expect(try PlanJSON.decode(try PlanJSON.encode(plan)) == plan)
    }

    @Test func savedPlanOfAnotherSchema_isRefused() throws {
        let plan = try PlanningFixtures.plan(desired: try PlanningFixtures.cluster("single-node.yaml"))
        let json = try PlanJSON.encode(plan).replacingOccurrences(of: "\"schemaVersion\" : 1", with: "\"schemaVersion\" : 99")
        #expect(throws: PlanSchemaError.self) { try PlanJSON.decode(json) }
    }

    private func compare(_ actual: String, to name: String) throws {
        let url = RepositoryPaths.fixtures.appendingPathComponent("plans/\(name)")
        if ProcessInfo.processInfo.environment["K8SCTL_UPDATE_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: url)
            return
        }
        let expected = try #require(FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) },
                                    "missing \(url.path); run with K8SCTL_UPDATE_GOLDEN=1 and review")
        if actual != expected {
            let diff = UnifiedDiff.diff(old: expected, new: actual, path: name) ?? ""
            Issue.record("plan differs from \(name):\n\(diff.prefix(4000))")
        }
    }
}
