import Foundation
import K8sctlModel

/// What a rollback from the current revision to a target one would do, and why it may not: pure,
/// from what `RollbackPreparation` read on the cluster, so every refusal is tested without hosts.
public struct RollbackAssessment: Sendable, Hashable {
    public var refusals: [RollbackRefusal]
    /// The version goes down: the rollback playbook restores the files the upgrade saved. False for
    /// a same-version revision, whose files are simply rendered again from its inventory.
    public var usesBackups: Bool
    /// `/var/lib/k8sctl/backup/v<target version>`, what the upgrade saved.
    public var backupDirectory: String
    /// Hosts the current revision never reached (it stopped first): they stay as they are.
    public var untouchedHosts: Set<String>

    /// Refusals `--force` does not lift.
    public var blocking: [RollbackRefusal] { refusals.filter { !$0.overridable } }

    /// - Parameters:
    ///   - current: the applied state (its `inventory` is what the hosts run now, loaded as `currentCluster`).
    ///   - backups: for each host in both revisions, whether `backupDirectory` exists on it.
    ///   - snapshot: where the pre-upgrade etcd snapshot was looked for.
    public static func assess(current: AppliedState, currentCluster: Cluster, targetRevision: Int, target: Cluster,
                              backups: [String: Bool], snapshot: RollbackRefusal.SnapshotHint?) -> RollbackAssessment {
        var refusals: [RollbackRefusal] = []
        let fromVersion = currentCluster.kubernetes.version, toVersion = target.kubernetes.version
        let fromEtcd = currentCluster.etcdVersion, toEtcd = target.etcdVersion
        if toVersion > fromVersion || (toVersion == fromVersion && toEtcd > fromEtcd) {
            refusals.append(.notARollback(target: targetRevision, targetVersion: toVersion, currentVersion: fromVersion))
        }

        let now = Dictionary(currentCluster.hosts.map { ($0.name, $0.roles) }, uniquingKeysWith: { a, _ in a })
        let then = Dictionary(target.hosts.map { ($0.name, $0.roles) }, uniquingKeysWith: { a, _ in a })
        let added = currentCluster.hosts.map(\.name).filter { then[$0] == nil }
        let removed = target.hosts.map(\.name).filter { now[$0] == nil }
        let rolesChanged = currentCluster.hosts.map(\.name).filter { then[$0] != nil && then[$0] != now[$0] }
        if !added.isEmpty || !removed.isEmpty || !rolesChanged.isEmpty {
            refusals.append(.membershipChanged(target: targetRevision, added: added, removed: removed, rolesChanged: rolesChanged))
        }

        let usesBackups = toVersion < fromVersion || toEtcd < fromEtcd
        let directory = "\(AppliedState.directory)/backup/v\(toVersion)"
        var untouched = Set<String>()
        if usesBackups {
            // A revision that stopped partway never reached some hosts: no backup there is expected.
            let done = Set(current.rolloutStop?.hostsDone ?? [])
            var missing: [String] = []
            for host in currentCluster.hosts.map(\.name) where then[host] != nil && backups[host] != true {
                if !current.completed, current.rolloutStop != nil, !done.contains(host) { untouched.insert(host) } else { missing.append(host) }
            }
            if !missing.isEmpty { refusals.append(.backupsMissing(hosts: missing, directory: directory)) }
        }

        if fromEtcd != toEtcd && (fromVersion.minorLine != toVersion.minorLine || fromEtcd.minorLine != toEtcd.minorLine) && fromEtcd > toEtcd {
            refusals.append(.etcdDataFormat(from: fromEtcd, to: toEtcd, kubernetesFrom: fromVersion, kubernetesTo: toVersion, snapshot: snapshot))
        } else if fromVersion.minorLine != toVersion.minorLine && fromVersion > toVersion {
            refusals.append(.kubernetesMinor(from: fromVersion, to: toVersion))
        }
        return RollbackAssessment(refusals: refusals, usesBackups: usesBackups, backupDirectory: directory, untouchedHosts: untouched)
    }

    /// The default target: the newest revision before `current` whose inventory differs from the
    /// current one (a run that stopped and its resume share one inventory; going "back" to the
    /// stopped half would change nothing).
    /// - Parameter inventory: reads a revision's saved inventory (nil: unreadable, skipped).
    public static func defaultTarget(current: Int, currentInventory: String, available: [Int],
                                     inventory: (Int) async -> String?) async -> Int? {
        for revision in available.filter({ $0 < current }).sorted(by: >) {
            guard let text = await inventory(revision) else { continue }
            if text != currentInventory { return revision }
        }
        return nil
    }

    /// A refusal for `--to REVISION` that cannot be a target, nil when it can.
    public static func check(requested: Int, available: [Int], current: Int) -> RollbackRefusal? {
        if requested == current { return .isCurrent(revision: current) }
        if !available.contains(requested) || requested > current {
            return .noSuchRevision(requested: requested, available: available.sorted(), current: current)
        }
        return nil
    }

    /// The snapshot an upgrade away from `target` took (`before-v<version>.db`): of the files in
    /// the snapshot directory, the oldest version above the target's.
    public static func snapshotFile(among files: [String], after target: SemanticVersion) -> String? {
        files.compactMap { name -> (SemanticVersion, String)? in
            guard name.hasPrefix("before-v"), name.hasSuffix(".db"),
                  let version = SemanticVersion(String(name.dropFirst("before-v".count).dropLast(".db".count))),
                  version > target else { return nil }
            return (version, name)
        }.min { $0.0 < $1.0 }?.1
    }
}
