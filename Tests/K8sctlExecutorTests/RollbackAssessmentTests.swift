import K8sctlInventory
import K8sctlModel
import Testing
@testable import K8sctlExecutor

/// The reasons `k8sctl rollback` refuses, each from the revisions and what the hosts hold; no hosts.
struct RollbackAssessmentTests {
    static func cluster(_ version: String, etcd: String, hosts: [(String, String)] = [("cp1", "control-plane, etcd"), ("w1", "worker"), ("w2", "worker")]) -> Cluster {
        var text = """
        apiVersion: k8sctl.dev/v1
        kind: Cluster
        metadata: { name: rb }
        spec:
          kubernetes: { version: \(version) }
          etcd: { version: \(etcd) }
          hosts:

        """
        for (index, (name, roles)) in hosts.enumerated() {
            text += "    - { name: \(name), address: 10.0.0.\(index + 1), roles: [\(roles)] }\n"
        }
        let loaded = InventoryLoader().load(text: text, file: "test.yaml")
        guard let cluster = loaded.cluster else { fatalError("test inventory does not load: \(loaded.diagnostics)") }
        return cluster
    }

    static func state(_ cluster: Cluster, revision: Int = 2, completed: Bool = true, stop: RolloutStop? = nil) -> AppliedState {
        AppliedState(cluster: cluster.name, revision: revision, k8sctlVersion: "test", inventory: NativeInventoryWriter().yaml(for: cluster),
                     files: [:], completed: completed, stoppedAt: stop?.reason, baselineInventory: completed ? nil : "x", rolloutStop: stop)
    }

    static let allBackups = ["cp1": true, "w1": true, "w2": true]
    static let snapshot = RollbackRefusal.SnapshotHint(host: "cp1", directory: "/var/backups/etcd", file: "before-v1.32.0.db")

    @Test func patchUpgradeWithEveryBackup_isAllowed_andRestoresThePreviousVersionsBackups() {
        let now = Self.cluster("1.31.5", etcd: "3.5.15"), then = Self.cluster("1.31.4", etcd: "3.5.15")
        let result = RollbackAssessment.assess(current: Self.state(now), currentCluster: now, targetRevision: 1, target: then,
                                               backups: Self.allBackups, snapshot: Self.snapshot)
        #expect(result.refusals.isEmpty)
        #expect(result.usesBackups)
        #expect(result.backupDirectory == "/var/lib/k8sctl/backup/v1.31.4")
        #expect(result.untouchedHosts.isEmpty)
    }

    @Test func minorUpgradeThatChangedEtcd_isRefusedButForceable_namingTheSnapshotRestore() throws {
        let now = Self.cluster("1.32.0", etcd: "3.5.16"), then = Self.cluster("1.31.4", etcd: "3.5.15")
        let result = RollbackAssessment.assess(current: Self.state(now), currentCluster: now, targetRevision: 1, target: then,
                                               backups: Self.allBackups, snapshot: Self.snapshot)
        let refusal = try #require(result.refusals.first)
        #expect(result.refusals.count == 1)
        guard case .etcdDataFormat = refusal else { Issue.record("expected the etcd storage refusal, got \(refusal)"); return }
        #expect(refusal.overridable)
        #expect(result.blocking.isEmpty)
        #expect(refusal.description.contains("k8sctl etcd restore /var/backups/etcd/before-v1.32.0.db"), "\(refusal)")
        #expect(refusal.description.contains("3.5.16 → 3.5.15"))
    }

    @Test func etcdMinorDowngrade_isRefusedEvenWithinOneKubernetesMinor() {
        let now = Self.cluster("1.31.5", etcd: "3.5.15"), then = Self.cluster("1.31.4", etcd: "3.4.23")
        let result = RollbackAssessment.assess(current: Self.state(now), currentCluster: now, targetRevision: 1, target: then,
                                               backups: Self.allBackups, snapshot: nil)
        #expect(result.refusals.contains { if case .etcdDataFormat = $0 { true } else { false } })
        #expect(result.refusals.first?.description.contains("k8sctl etcd restore SNAPSHOT") == true)
    }

    @Test func etcdPatchDowngradeWithinTheMinor_isAllowed() {
        let now = Self.cluster("1.31.5", etcd: "3.5.16"), then = Self.cluster("1.31.4", etcd: "3.5.15")
        let result = RollbackAssessment.assess(current: Self.state(now), currentCluster: now, targetRevision: 1, target: then,
                                               backups: Self.allBackups, snapshot: nil)
        #expect(result.refusals.isEmpty, "\(result.refusals)")
    }

    @Test func kubernetesMinorDowngradeWithTheSameEtcd_isRefusedButForceable() {
        let now = Self.cluster("1.32.1", etcd: "3.5.15"), then = Self.cluster("1.31.4", etcd: "3.5.15")
        let result = RollbackAssessment.assess(current: Self.state(now), currentCluster: now, targetRevision: 1, target: then,
                                               backups: Self.allBackups, snapshot: nil)
        #expect(result.refusals == [.kubernetesMinor(from: now.kubernetes.version, to: then.kubernetes.version)])
        #expect(result.blocking.isEmpty)
    }

    @Test func missingBackupsOnAHost_isRefused_evenWithForce() {
        let now = Self.cluster("1.31.5", etcd: "3.5.15"), then = Self.cluster("1.31.4", etcd: "3.5.15")
        let result = RollbackAssessment.assess(current: Self.state(now), currentCluster: now, targetRevision: 1, target: then,
                                               backups: ["cp1": true, "w1": false, "w2": true], snapshot: nil)
        #expect(result.refusals == [.backupsMissing(hosts: ["w1"], directory: "/var/lib/k8sctl/backup/v1.31.4")])
        #expect(result.blocking.count == 1)
        #expect(result.refusals[0].description.contains("missing on w1"))
    }

    @Test func aStoppedUpgrade_leavesHostsItNeverReached_andNeedsNoBackupThere() {
        let now = Self.cluster("1.31.5", etcd: "3.5.15"), then = Self.cluster("1.31.4", etcd: "3.5.15")
        let stop = RolloutStop(reason: "aborted", batchIndex: 2, batchName: "upgrade: workers 1/2", batchCount: 3,
                               hostsDone: ["cp1", "w1"], hostsPending: ["w2"], abortedBy: "me", abortedAt: "now")
        let result = RollbackAssessment.assess(current: Self.state(now, completed: false, stop: stop), currentCluster: now,
                                               targetRevision: 1, target: then, backups: ["cp1": true, "w1": true, "w2": false], snapshot: nil)
        #expect(result.refusals.isEmpty, "\(result.refusals)")
        #expect(result.untouchedHosts == ["w2"])
        // A done host without its backup is still refused.
        let broken = RollbackAssessment.assess(current: Self.state(now, completed: false, stop: stop), currentCluster: now,
                                               targetRevision: 1, target: then, backups: ["cp1": true, "w1": false, "w2": false], snapshot: nil)
        #expect(broken.refusals == [.backupsMissing(hosts: ["w1"], directory: "/var/lib/k8sctl/backup/v1.31.4")])
    }

    @Test func hostsAddedOrRemovedBetweenTheRevisions_isRefused_sayingWhatToDo() {
        let now = Self.cluster("1.31.5", etcd: "3.5.15", hosts: [("cp1", "control-plane, etcd"), ("w1", "worker"), ("w3", "worker")])
        let then = Self.cluster("1.31.4", etcd: "3.5.15", hosts: [("cp1", "control-plane, etcd"), ("w1", "worker"), ("w2", "worker")])
        let result = RollbackAssessment.assess(current: Self.state(now), currentCluster: now, targetRevision: 1, target: then,
                                               backups: ["cp1": true, "w1": true, "w3": true], snapshot: nil)
        #expect(result.refusals == [.membershipChanged(target: 1, added: ["w3"], removed: ["w2"], rolesChanged: [])])
        #expect(!result.refusals[0].overridable)
        let text = result.refusals[0].description
        #expect(text.contains("w3") && text.contains("scale-down") && text.contains("w2") && text.contains("scale-up"), "\(text)")
    }

    @Test func aTargetWithANewerVersion_isAnUpgrade_notARollback() {
        let now = Self.cluster("1.31.4", etcd: "3.5.15"), then = Self.cluster("1.31.5", etcd: "3.5.15")
        let result = RollbackAssessment.assess(current: Self.state(now), currentCluster: now, targetRevision: 2, target: then,
                                               backups: [:], snapshot: nil)
        #expect(result.refusals == [.notARollback(target: 2, targetVersion: then.kubernetes.version, currentVersion: now.kubernetes.version)])
        #expect(!result.usesBackups)
    }

    @Test func sameVersionRevision_rendersItsFilesAgain_withoutBackups() {
        let now = Self.cluster("1.31.4", etcd: "3.5.15"), then = Self.cluster("1.31.4", etcd: "3.5.15")
        let result = RollbackAssessment.assess(current: Self.state(now), currentCluster: now, targetRevision: 1, target: then,
                                               backups: [:], snapshot: nil)
        #expect(result.refusals.isEmpty)
        #expect(!result.usesBackups)
    }

    @Test(arguments: [
        (9, [1, 2, 3], 3, "revision 9 does not exist; the cluster has revisions 1, 2, 3 (current: 3)"),
        (3, [1, 2, 3], 3, "revision 3 is the current one"),
    ])
    func requestedRevision_thatCannotBeATarget_isRefusedListingTheOnesThatExist(requested: Int, available: [Int], current: Int, message: String) throws {
        let refusal = try #require(RollbackAssessment.check(requested: requested, available: available, current: current))
        #expect(refusal.description.hasPrefix(message), "\(refusal)")
        #expect(!refusal.overridable)
    }

    @Test func requestedEarlierRevision_isATarget() {
        #expect(RollbackAssessment.check(requested: 1, available: [1, 2, 3], current: 3) == nil)
    }

    @Test func defaultTarget_skipsTheStoppedHalfWithTheSameInventory() async {
        let texts = [1: "v1", 2: "v2", 3: "v2"]
        let target = await RollbackAssessment.defaultTarget(current: 3, currentInventory: "v2", available: [1, 2, 3]) { texts[$0] }
        #expect(target == 1)
        let none = await RollbackAssessment.defaultTarget(current: 1, currentInventory: "v1", available: [1]) { texts[$0] }
        #expect(none == nil)
    }

    @Test func snapshotOfTheUpgradeAwayFromTheTarget_isTheOldestAboveIt() throws {
        let files = ["before-v1.31.4.db", "before-v1.32.1.db", "before-v1.32.0.db", "notes.txt", "before-vX.db"]
        #expect(RollbackAssessment.snapshotFile(among: files, after: try #require(SemanticVersion("1.31.4"))) == "before-v1.32.0.db")
        #expect(RollbackAssessment.snapshotFile(among: files, after: try #require(SemanticVersion("1.32.1"))) == nil)
    }
}

/// A rollback that stopped is finished before any other rollback.
struct StoppedRollbackTests {
    static func state(inventory: Cluster, baseline: Cluster) -> AppliedState {
        AppliedState(cluster: "rb", revision: 4, k8sctlVersion: "test", inventory: NativeInventoryWriter().yaml(for: inventory), files: [:],
                     completed: false, stoppedAt: "aborted", baselineInventory: NativeInventoryWriter().yaml(for: baseline),
                     rolloutStop: RolloutStop(reason: "aborted", batchIndex: 1, batchName: "rollback: workers 2/2", batchCount: 3,
                                       hostsDone: ["w2"], hostsPending: ["w1", "cp1"]))
    }

    @Test func aStoppedRollback_isResumed_andAnotherTargetRefusedUntilItIsDone() throws {
        let older = RollbackAssessmentTests.cluster("1.31.4", etcd: "3.5.15"), newer = RollbackAssessmentTests.cluster("1.31.5", etcd: "3.5.15")
        let state = Self.state(inventory: older, baseline: newer)
        guard case .ready(let resumed)? = try RollbackPreparation.resumeOfStoppedRollback(state, requested: nil, ssh: older.ssh) else {
            Issue.record("a stopped rollback was not resumed")
            return
        }
        #expect(resumed.resumesStoppedRollback)
        #expect(resumed.target.kubernetes.version == older.kubernetes.version)
        #expect(resumed.assessment.usesBackups)
        guard case .refused(let refusals)? = try RollbackPreparation.resumeOfStoppedRollback(state, requested: 1, ssh: older.ssh) else {
            Issue.record("--to during a stopped rollback was not refused")
            return
        }
        #expect(refusals.first?.description.contains("finish it first with `k8sctl rollback`") == true, "\(refusals)")
    }

    @Test func aStoppedUpgrade_isNoStoppedRollback() throws {
        let older = RollbackAssessmentTests.cluster("1.31.4", etcd: "3.5.15"), newer = RollbackAssessmentTests.cluster("1.31.5", etcd: "3.5.15")
        #expect(try RollbackPreparation.resumeOfStoppedRollback(Self.state(inventory: newer, baseline: older), requested: nil, ssh: older.ssh) == nil)
    }
}
