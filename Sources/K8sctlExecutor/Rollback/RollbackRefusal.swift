import K8sctlModel

/// A reason `k8sctl rollback` will not go back, named before anything is touched. Each says what
/// to do instead. Only the reasons whose risk the user can take (`overridable`) yield to `--force`;
/// the others describe a rollback that cannot work at all.
public enum RollbackRefusal: Sendable, Hashable, CustomStringConvertible {
    /// Where the snapshot taken before an upgrade is (or was looked for).
    public struct SnapshotHint: Sendable, Hashable {
        public var host: String
        public var directory: String
        /// The newest-fitting `before-v<version>.db` found there, nil when none was.
        public var file: String?
        public init(host: String, directory: String, file: String?) {
            self.host = host
            self.directory = directory
            self.file = file
        }
    }

    case neverApplied(cluster: String)
    case noSuchRevision(requested: Int, available: [Int], current: Int)
    case noEarlierRevision(current: Int)
    case isCurrent(revision: Int)
    /// The target runs a newer Kubernetes than the cluster: going there is an upgrade.
    case notARollback(target: Int, targetVersion: SemanticVersion, currentVersion: SemanticVersion)
    /// Hosts were added, removed or changed roles between the two revisions.
    case membershipChanged(target: Int, added: [String], removed: [String], rolesChanged: [String])
    /// The files the upgrade saved are not on these hosts.
    case backupsMissing(hosts: [String], directory: String)
    /// etcd's data was written by a newer etcd minor (or during a Kubernetes minor upgrade that
    /// changed etcd): the old binary must not open it.
    case etcdDataFormat(from: SemanticVersion, to: SemanticVersion, kubernetesFrom: SemanticVersion,
                        kubernetesTo: SemanticVersion, snapshot: SnapshotHint?)
    /// A Kubernetes minor downgrade: objects the newer API server stored may not be readable.
    case kubernetesMinor(from: SemanticVersion, to: SemanticVersion)
    /// The current revision is a rollback that stopped; `--to` another revision would mix three.
    case unfinishedRollback(revision: Int, requested: Int, stoppedAt: String)

    /// Whether `--force` goes ahead anyway.
    public var overridable: Bool {
        switch self {
        case .etcdDataFormat, .kubernetesMinor: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case let .neverApplied(cluster):
            return "\(cluster) has no applied state on its control-plane hosts: there is nothing to roll back"
        case let .noSuchRevision(requested, available, current):
            return "revision \(requested) does not exist; the cluster has revisions \(Self.list(available)) (current: \(current))"
        case let .noEarlierRevision(current):
            return "no revision before \(current) has a different inventory: there is nothing earlier to go back to"
        case let .isCurrent(revision):
            return "revision \(revision) is the current one: nothing to roll back (pick an earlier one with --to)"
        case let .notARollback(target, targetVersion, currentVersion):
            return "revision \(target) runs Kubernetes \(targetVersion), newer than the cluster's \(currentVersion): "
                + "going there is an upgrade; set the version in the inventory and run `k8sctl apply`"
        case let .membershipChanged(target, added, removed, rolesChanged):
            var parts: [String] = []
            if !added.isEmpty { parts.append("added since revision \(target): \(added.joined(separator: ", ")) — remove them from the inventory and run `k8sctl apply` (scale-down) first") }
            if !removed.isEmpty { parts.append("removed since revision \(target): \(removed.joined(separator: ", ")) — add them back with `k8sctl apply` (scale-up) after the rollback") }
            if !rolesChanged.isEmpty { parts.append("roles changed since revision \(target): \(rolesChanged.joined(separator: ", "))") }
            return "rollback does not add or remove hosts or etcd members; " + parts.joined(separator: "; ")
        case let .backupsMissing(hosts, directory):
            return "the files saved before the upgrade (\(directory)) are missing on \(hosts.joined(separator: ", ")): "
                + "restore cannot put them back; run `k8sctl apply` with the older version's artifacts pinned instead, or reinstall those hosts"
        case let .etcdDataFormat(from, to, kubernetesFrom, kubernetesTo, snapshot):
            var text = "etcd \(from) → \(to) (Kubernetes \(kubernetesFrom) → \(kubernetesTo)) cannot be rolled back: "
                + "etcd \(from) may have changed its storage format, which etcd \(to) cannot read; "
            if let snapshot {
                if let file = snapshot.file {
                    text += "to return the data too, restore the snapshot taken before the upgrade: "
                        + "`k8sctl etcd restore \(snapshot.directory)/\(file)` (on \(snapshot.host)) after the rollback"
                } else {
                    text += "no before-v*.db snapshot newer than the target was found in \(snapshot.directory) on \(snapshot.host); "
                        + "`k8sctl etcd restore SNAPSHOT` with a snapshot taken before the upgrade is the way back"
                }
            } else {
                text += "`k8sctl etcd restore SNAPSHOT` with a snapshot taken before the upgrade is the way back"
            }
            return text
        case let .unfinishedRollback(revision, requested, stoppedAt):
            return "revision \(revision) is a rollback that stopped (\(stoppedAt)); finish it first with `k8sctl rollback` "
                + "(no --to), then roll back further to revision \(requested) if you still want to"
        case let .kubernetesMinor(from, to):
            return "Kubernetes \(from) → \(to) is a minor downgrade: objects the \(from.minorLine) API server stored may be in "
                + "versions \(to.minorLine) cannot read; restoring the etcd snapshot taken before the upgrade (`k8sctl etcd restore`) is the safe way back"
        }
    }

    private static func list(_ revisions: [Int]) -> String {
        revisions.isEmpty ? "none" : revisions.map(String.init).joined(separator: ", ")
    }
}
