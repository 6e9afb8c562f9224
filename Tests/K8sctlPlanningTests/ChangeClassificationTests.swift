import K8sctlModel
@testable import K8sctlPlanning
import Testing

@Suite("Change classification table")
struct ChangeClassificationTests {
    static func base() -> Cluster {
        Cluster(name: "c", kubernetes: KubernetesSettings(version: SemanticVersion("1.31.4")!),
                hosts: [K8sctlModel.Host(name: "cp1", address: IPAddress("10.0.0.1")!, roles: [.controlPlane, .etcd]),
                        K8sctlModel.Host(name: "w1", address: IPAddress("10.0.0.2")!, roles: [.worker])])
    }

    /// (setting, edit, expected impact): one edit per row of the table.
    static let edits: [(String, @Sendable (inout Cluster) -> Void, ChangeImpact)] = [
        ("kubernetes.imageRepository", { $0.kubernetes.imageRepository = "mirror.example.com" }, .nonIntrusive),
        ("controlPlane.extraArgs.apiserver", { $0.controlPlane.extraArgs.apiserver["v"] = "2" }, .nonIntrusive),
        ("controlPlane.extraArgs.controllerManager", { $0.controlPlane.extraArgs.controllerManager["v"] = "2" }, .nonIntrusive),
        ("controlPlane.extraArgs.scheduler", { $0.controlPlane.extraArgs.scheduler["v"] = "2" }, .nonIntrusive),
        ("controlPlane.leaderElection", { $0.controlPlane.leaderElection.leaseDuration = .seconds(30) }, .nonIntrusive),
        ("controlPlane.endpoint", { $0.controlPlane.endpoint.proxy = .nginx }, .intrusive),
        ("etcd.extraArgs", { $0.etcd.extraArgs["quota-backend-bytes"] = "1" }, .nonIntrusive),
        ("etcd.snapshotDir", { $0.etcd.snapshotDir = "/srv/snap" }, .none),
        ("etcd.snapshotRetention", { $0.etcd.snapshotRetention = 9 }, .none),
        ("etcd.dataDir", { $0.etcd.dataDir = "/srv/etcd" }, .unsupported),
        ("etcd.clientPort", { $0.etcd.clientPort = 3379 }, .unsupported),
        ("etcd.peerPort", { $0.etcd.peerPort = 3380 }, .unsupported),
        ("etcd.topology", { $0.etcd.topology = .external }, .unsupported),
        ("etcd.deployment", { $0.etcd.deployment = .staticPod }, .unsupported),
        ("kubelet.maxPods", { $0.kubelet.maxPods = 250 }, .intrusive),
        ("kubelet.cgroupDriver", { $0.kubelet.cgroupDriver = "cgroupfs" }, .intrusive),
        ("kubelet.containerRuntimeEndpoint", { $0.kubelet.containerRuntimeEndpoint = "unix:///x.sock" }, .intrusive),
        ("kubelet.extraArgs", { $0.kubelet.extraArgs["v"] = "2" }, .intrusive),
        ("network.dnsDomain", { $0.network.dnsDomain = "k8s.internal" }, .unsupported),
        ("network.podCIDR", { $0.network.podCIDR = CIDR("10.200.0.0/16")! }, .unsupported),
        ("network.serviceCIDR", { $0.network.serviceCIDR = CIDR("10.100.0.0/16")! }, .unsupported),
        ("network.nodeMaskSize", { $0.network.nodeMaskSize = 25 }, .unsupported),
        ("network.plugin", { $0.network.plugin = "cilium" }, .unsupported),
        ("pki.keyAlgorithm", { $0.pki.keyAlgorithm = .ecdsaP256 }, .unsupported),
        ("pki.caValidityDays", { $0.pki.caValidityDays = 100 }, .none),
        ("pki.certificateValidityDays", { $0.pki.certificateValidityDays = 100 }, .none),
        ("pki.renewBeforeDays", { $0.pki.renewBeforeDays = 10 }, .none),
        ("artifacts", { $0.artifacts.source = "https://mirror.example.com" }, .none),
        ("ssh", { $0.ssh.port = 2222 }, .none),
        ("rollout", { $0.rollout.workers.maxFailurePercent = 50 }, .none),
    ]

    @Test func everyRow_hasAnEditHere_andNoSettingTwice() {
        let rows = ChangeClassification.rules.map(\.setting)
        #expect(Set(rows).count == rows.count)
        #expect(Set(rows) == Set(Self.edits.map(\.0)))
    }

    @Test(arguments: 0..<edits.count)
    func eachEdit_isDetectedByExactlyItsRow_withItsImpact(index: Int) {
        let (setting, edit, impact) = Self.edits[index]
        var desired = Self.base()
        edit(&desired)
        let changes = ChangeClassification.changes(from: Self.base(), to: desired)
        #expect(changes.map(\.setting) == [setting])
        #expect(changes.first?.impact == impact)
    }

    /// Every section of the inventory spec that can change is covered by some row (versions are
    /// upgrades, hosts and pools are handled per host).
    @Test func everyClusterSection_isCoveredByTheTable() {
        let handledElsewhere: Set<String> = ["name", "hosts", "nodePools", "sourceMap"]
        let sections = Mirror(reflecting: Self.base()).children.compactMap(\.label).filter { !handledElsewhere.contains($0) }
        for section in sections {
            #expect(ChangeClassification.rules.contains { $0.setting == section || $0.setting.hasPrefix(section + ".") }, "\(section) has no row")
        }
    }

    @Test func apiserverFlag_isNonIntrusive_noDrainSteps() throws {
        let previous = try PlanningFixtures.cluster("ha-3.yaml")
        var desired = previous
        desired.controlPlane.extraArgs.apiserver["audit-log-maxage"] = "90"
        let plan = try PlanningFixtures.plan(previous: previous, desired: desired)
        #expect(plan.hosts.filter { $0.operation == .configChange }.map(\.host) == ["cp1", "cp2", "cp3"])
        #expect(!plan.steps.contains { $0.action.kind == .drain || $0.action.kind == .cordon })
        #expect(plan.batches.allSatisfy { $0.hosts.count == 1 })
    }

    @Test func kubeletSetting_isIntrusive_drainsBeforeRestart() throws {
        let previous = try PlanningFixtures.cluster("ha-3.yaml")
        var desired = previous
        desired.kubelet.maxPods = 200
        let plan = try PlanningFixtures.plan(previous: previous, desired: desired)
        #expect(plan.hosts.allSatisfy { $0.operation == .configChange && $0.intrusive })
        for host in plan.hosts.map(\.host) {
            let steps = plan.steps(onHost: host).map(\.step)
            let drain = try #require(steps.firstIndex(of: "drain"))
            let restart = try #require(steps.firstIndex(of: "kubelet-restart"))
            #expect(drain < restart)
            #expect(steps.last == "uncordon")
        }
    }

    @Test func unsupportedChange_refusesThePlanAtTheSettingsPosition() throws {
        let previous = try PlanningFixtures.cluster("ha-3.yaml")
        var desired = previous
        desired.network.podCIDR = CIDR("10.250.0.0/16")!
        let result = Planner().plan(PlanningInput(previous: previous, desired: desired, playbooks: PlanningFixtures.shippedPlaybooks))
        #expect(result.plan == nil)
        let error = try #require(result.diagnostics.first)
        #expect(error.message.hasPrefix("network.podCIDR cannot change"))
        #expect(error.location?.line == 8)
    }

    @Test func roleChangeInPlace_isRefused() throws {
        let previous = try PlanningFixtures.cluster("ha-3.yaml")
        var desired = previous
        desired.hosts[5].roles = [.controlPlane, .etcd]
        let result = Planner().plan(PlanningInput(previous: previous, desired: desired, playbooks: PlanningFixtures.shippedPlaybooks))
        #expect(result.plan == nil)
        #expect(result.diagnostics.contains { $0.message.contains("host w3 changes roles") })
    }

    @Test func unchangedInventory_planIsEmpty() throws {
        let cluster = try PlanningFixtures.cluster("pools-zones.yaml")
        let plan = try PlanningFixtures.plan(previous: cluster, desired: cluster)
        #expect(plan.isEmpty)
        #expect(plan.hosts.allSatisfy { $0.operation == .noOp })
        #expect(PlanTextFormatter().format(plan).contains("No changes."))
    }
}
