import Foundation
import K8sctlExecutor
import K8sctlInventory
import K8sctlModel
import K8sctlTestSupport
import Testing

/// `k8sctl status`'s verdict: what needs attention, from what the probe found. The probe itself
/// runs against real nodes in `OperationsEndToEndTests` (healthy, stopped, drift, unreachable).
struct ClusterStatusTests {
    static func host(_ name: String, roles: [String] = ["control-plane", "etcd"], units: [String: String]? = nil,
                     expected: [String] = ["containerd.service", "kubelet.service", "etcd.service"]) -> ClusterStatus.HostStatus {
        ClusterStatus.HostStatus(name: name, roles: roles, unreachable: nil, systemdRunning: true,
                                 units: units ?? Dictionary(uniqueKeysWithValues: expected.map { ($0, "active") }),
                                 expectedUnits: expected, versions: ["kubelet": "v1.31.4"], etcdHealthy: roles.contains("etcd") ? true : nil,
                                 driftedFiles: [], missingFiles: [], managedFiles: 20, clockSkewSeconds: 0, lastApplyFailure: nil)
    }

    static func status(_ hosts: [ClusterStatus.HostStatus], applied: ClusterStatus.AppliedSummary? = .init(
        revision: 3, appliedAt: "2026-11-22T20:00:00Z", k8sctlVersion: "0.1.0", completed: true, filesOnly: false, stopped: false, rolloutStop: nil)) -> ClusterStatus {
        ClusterStatus(cluster: "c", applied: applied, stateError: nil,
                      inventory: .init(matchesApplied: true, hostsToAdd: [], hostsToRemove: [], appliedVersion: nil),
                      lock: nil, hosts: hosts)
    }

    @Test func healthyConvergedCluster_needsNothing() {
        #expect(Self.status([Self.host("cp1"), Self.host("w1", roles: ["worker"], expected: ["containerd.service", "kubelet.service"])]).attention == [])
    }

    @Test func eachProblem_isOneLine_namingTheHost() {
        var down = Self.host("cp1", units: ["containerd.service": "active", "kubelet.service": "failed", "etcd.service": "active"])
        down.etcdHealthy = false
        var drifted = Self.host("cp2")
        drifted.driftedFiles = ["/etc/a", "/etc/b", "/etc/c", "/etc/d"]
        drifted.missingFiles = ["/etc/e"]
        drifted.clockSkewSeconds = -95
        var gone = Self.host("cp3")
        gone.unreachable = "connection refused"
        #expect(Self.status([down, drifted, gone]).attention == [
            "cp1: kubelet.service failed",
            "cp1: etcd member unhealthy",
            "cp2: 4 managed file(s) changed since the last apply: /etc/a, /etc/b, /etc/c, …",
            "cp2: 1 managed file(s) missing: /etc/e",
            "cp2: clock behind by 95 s",
            "cp3: unreachable: connection refused",
        ])
    }

    @Test func stoppedOrFilesOnlyCluster_isReportedOnce_notAsEveryInactiveUnit() {
        let inactive = Self.host("cp1", units: ["containerd.service": "inactive", "kubelet.service": "inactive", "etcd.service": "inactive"])
        let stopped = ClusterStatus.AppliedSummary(revision: 2, appliedAt: "t", k8sctlVersion: "0.1.0", completed: true,
                                                   filesOnly: false, stopped: true, rolloutStop: nil)
        #expect(Self.status([inactive], applied: stopped).attention == ["the cluster was stopped with `k8sctl stop`; `k8sctl start` starts it"])
        let staged = ClusterStatus.AppliedSummary(revision: 2, appliedAt: "t", k8sctlVersion: "0.1.0", completed: false,
                                                  filesOnly: true, stopped: false, rolloutStop: nil)
        #expect(Self.status([inactive], applied: staged).attention.count == 2)  // did not complete, and files-only
    }

    @Test func neverApplied_lockHeld_andInventoryDiffering_areReported() {
        var status = Self.status([Self.host("cp1")], applied: nil)
        #expect(status.attention == ["never applied with k8sctl (no state on the control-plane hosts)"])
        status = Self.status([Self.host("cp1")])
        status.lock = .init(holder: "ci@runner pid 7", since: "2026-11-22T20:01:00Z", host: "cp1")
        status.inventory = .init(matchesApplied: false, hostsToAdd: ["w9"], hostsToRemove: [], hostsChanged: ["w1"],
                                 settingsChanged: ["kubelet.maxPods"], appliedVersion: "1.30.8")
        #expect(status.attention == [
            "locked by ci@runner pid 7 since 2026-11-22T20:01:00Z (on cp1): an apply is running, or a killed one left it (`k8sctl unlock`)",
            "the inventory differs from the applied revision (hosts to add: w9; hosts changed: w1; settings changed: kubelet.maxPods; Kubernetes 1.30.8 applied); `k8sctl plan` shows the change",
        ])
    }
}

/// The inventory comparison, on real inventories: as the planner classifies a change.
struct ClusterStatusComparisonTests {
    static func load(_ text: String) throws -> Cluster {
        let result = InventoryLoader().load(text: text, file: "c.yaml")
        return try #require(result.cluster, "\(result.diagnostics.map(\.message))")
    }

    @Test func sameInventory_andChangesThatReachNoHost_match() throws {
        let text = try String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("ha-3.yaml"), encoding: .utf8)
        let applied = try Self.load(text)
        #expect(ClusterStatusProbe.compare(applied, with: applied).matchesApplied)
        // The SSH port is how k8sctl connects: nothing on the hosts changes.
        var sshOnly = applied
        sshOnly.ssh.port = 2222
        #expect(ClusterStatusProbe.compare(sshOnly, with: applied).matchesApplied)
    }

    @Test func hostsAndSettingsThatReachHosts_differ() throws {
        let text = try String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("ha-3.yaml"), encoding: .utf8)
        let applied = try Self.load(text)
        var desired = applied
        desired.hosts.removeAll { $0.name == "w1" }
        desired.hosts[0].labels["team"] = "a"
        desired.kubelet.maxPods = applied.kubelet.maxPods + 1
        let comparison = ClusterStatusProbe.compare(desired, with: applied)
        #expect(!comparison.matchesApplied)
        #expect(comparison.hostsToRemove == ["w1"])
        #expect(comparison.hostsChanged == ["cp1"])
        #expect(comparison.settingsChanged == ["kubelet.maxPods"])
        #expect(ClusterStatusProbe.compare(desired, with: nil).hostsToAdd == desired.hosts.map(\.name))
    }
}
