import K8sctlInventory
import K8sctlModel
import K8sctlTransport

/// A rollback ready to run: the target revision's inventory and what the assessment found.
public struct PreparedRollback: Sendable {
    public var currentRevision: Int
    public var targetRevision: Int
    public var current: Cluster
    /// The target revision's inventory, with today's SSH settings (keys may have been rotated).
    public var target: Cluster
    public var assessment: RollbackAssessment
    /// Nil when this resumes a rollback that stopped: then it is a plain apply of the stopped
    /// run's inventory (with the downgrade allowed), which skips the hosts it finished.
    public var directive: RollbackDirective?
    public var resumesStoppedRollback: Bool { directive == nil }
}

/// `k8sctl rollback`, before anything changes: reads the applied state and the saved revisions
/// from the control-plane hosts, picks the target, checks every host for the upgrade's backups and
/// the etcd host for the pre-upgrade snapshot, and assesses. Read-only: no lock, no writes.
public struct RollbackPreparation: Sendable {
    public enum Outcome: Sendable {
        /// Refused before an assessment was possible (never applied, no such revision, …).
        case refused([RollbackRefusal])
        case ready(PreparedRollback)
    }

    public init() {}

    /// - Parameters:
    ///   - inventory: names the control-plane hosts and how to reach them (its version is not used).
    ///   - requested: `--to REVISION`, nil for the previous one.
    /// - Throws: `ExecutorError` when hosts cannot be reached or a saved revision does not load.
    public func prepare(inventory: Cluster, requested: Int?, connector: HostConnector) async throws -> Outcome {
        let pool = HostPool(connector: connector)
        do {
            let outcome = try await prepare(inventory: inventory, requested: requested, pool: pool)
            await pool.closeAll()
            return outcome
        } catch {
            await pool.closeAll()
            throw error
        }
    }

    private func prepare(inventory: Cluster, requested: Int?, pool: HostPool) async throws -> Outcome {
        await pool.connect(inventory.controlPlaneHosts)
        var controlPlane: [any RemoteHost] = []
        for host in inventory.controlPlaneHosts { if let connection = await pool.connection(host.name) { controlPlane.append(connection) } }
        guard !controlPlane.isEmpty else {
            let failures = await pool.failures
            throw ExecutorError.refused(reason: "no control-plane host answered; nothing was changed:\n"
                + failures.keys.sorted().map { "  \($0): \(failures[$0]!)" }.joined(separator: "\n"))
        }
        guard let state = try await StateStore().pull(from: controlPlane) else { return .refused([.neverApplied(cluster: inventory.name)]) }
        let available = await revisions(on: controlPlane)
        if let resumed = try Self.resumeOfStoppedRollback(state, requested: requested, ssh: inventory.ssh) { return resumed }

        let targetRevision: Int
        if let requested {
            if let refusal = RollbackAssessment.check(requested: requested, available: available, current: state.revision) { return .refused([refusal]) }
            targetRevision = requested
        } else {
            guard let found = await RollbackAssessment.defaultTarget(
                current: state.revision, currentInventory: state.inventory, available: available,
                inventory: { await self.inventoryText($0, on: controlPlane) }) else { return .refused([.noEarlierRevision(current: state.revision)]) }
            targetRevision = found
        }
        let current = try Self.load(state.inventory, revision: state.revision)
        guard let targetText = await inventoryText(targetRevision, on: controlPlane) else {
            throw ExecutorError.refused(reason: "\(AppliedState.revisionPath(targetRevision)) could not be read on any control-plane host; nothing was changed")
        }
        var target = try Self.load(targetText, revision: targetRevision)
        target.ssh = inventory.ssh

        // Every host in both revisions: does it hold what the upgrade saved?
        let shared = current.hosts.filter { target.host(named: $0.name) != nil }
        await pool.connect(shared)
        let unreachable = await pool.failures.filter { name, _ in shared.contains { $0.name == name } }
        guard unreachable.isEmpty else {
            throw ExecutorError.refused(reason: "cannot reach \(unreachable.count) of \(shared.count) hosts; nothing was changed:\n"
                + unreachable.keys.sorted().map { "  \($0): \(unreachable[$0]!)" }.joined(separator: "\n"))
        }
        let directory = "\(AppliedState.directory)/backup/v\(target.kubernetes.version)"
        var backups: [String: Bool] = [:]
        for host in shared {
            guard let connection = await pool.connection(host.name) else { continue }
            let result = try await connection.run(RemoteCommand(["/bin/sh", "-c", #"test -d "$1" && echo present || true"#, "k8sctl-backup-check", directory]))
            backups[host.name] = result.stdout.hasPrefix("present")
        }
        var snapshot: RollbackRefusal.SnapshotHint?
        if let etcd = current.etcdHosts.first, let connection = await pool.connection(etcd.name) {
            let listing = try await connection.run(RemoteCommand(["/bin/sh", "-c", #"ls -1 -- "$1" 2>/dev/null || true"#, "k8sctl-snapshots", current.etcd.snapshotDir]))
            let files = listing.stdout.split(separator: "\n").map(String.init)
            snapshot = .init(host: etcd.name, directory: current.etcd.snapshotDir,
                             file: RollbackAssessment.snapshotFile(among: files, after: target.kubernetes.version))
        }

        let assessment = RollbackAssessment.assess(current: state, currentCluster: current, targetRevision: targetRevision,
                                                   target: target, backups: backups, snapshot: snapshot)
        return .ready(PreparedRollback(
            currentRevision: state.revision, targetRevision: targetRevision, current: current, target: target,
            assessment: assessment,
            directive: RollbackDirective(from: current, expectedRevision: state.revision, targetRevision: targetRevision,
                                         untouchedHosts: assessment.untouchedHosts)))
    }

    /// A rollback that stopped partway (its inventory older than the revision it started from) is
    /// finished before anything else: its hosts are split between the two revisions.
    static func resumeOfStoppedRollback(_ state: AppliedState, requested: Int?, ssh: SSHSettings) throws -> Outcome? {
        guard !state.completed, let baselineText = state.baselineInventory else { return nil }
        var stopped = try load(state.inventory, revision: state.revision)
        stopped.ssh = ssh
        let from = try load(baselineText, revision: state.revision - 1)
        guard stopped.kubernetes.version < from.kubernetes.version || stopped.etcdVersion < from.etcdVersion else { return nil }
        if let requested {
            return .refused([.unfinishedRollback(revision: state.revision, requested: requested, stoppedAt: state.rolloutStop?.summary ?? state.stoppedAt ?? "unknown")])
        }
        let assessment = RollbackAssessment(refusals: [], usesBackups: true,
                                            backupDirectory: "\(AppliedState.directory)/backup/v\(stopped.kubernetes.version)", untouchedHosts: [])
        return .ready(PreparedRollback(currentRevision: state.revision, targetRevision: state.revision, current: from,
                                       target: stopped, assessment: assessment, directive: nil))
    }

    /// Revision numbers saved on any of `hosts` (`/var/lib/k8sctl/revisions/N.yaml`).
    private func revisions(on hosts: [any RemoteHost]) async -> [Int] {
        var found = Set<Int>()
        for host in hosts {
            guard let result = try? await host.run(RemoteCommand(["/bin/sh", "-c", "ls -1 /var/lib/k8sctl/revisions 2>/dev/null || true"])) else { continue }
            for name in result.stdout.split(separator: "\n") where name.hasSuffix(".yaml") {
                if let number = Int(name.dropLast(".yaml".count)) { found.insert(number) }
            }
        }
        return found.sorted()
    }

    private func inventoryText(_ revision: Int, on hosts: [any RemoteHost]) async -> String? {
        for host in hosts {
            if let bytes = try? await host.readFile(AppliedState.revisionPath(revision)) { return String(decoding: bytes, as: UTF8.self) }
        }
        return nil
    }

    static func load(_ text: String, revision: Int) throws -> Cluster {
        let loaded = InventoryLoader().load(text: text, file: "cluster:\(AppliedState.revisionPath(revision))")
        guard let cluster = loaded.cluster else {
            throw ExecutorError.refused(reason: "revision \(revision) saved on the cluster does not load: "
                + loaded.diagnostics.errors.map(\.message).joined(separator: "; ") + "; nothing was changed")
        }
        return cluster
    }
}
