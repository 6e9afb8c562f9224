import Foundation
import K8sctlModel
import K8sctlPlanning
import K8sctlTransport

/// `k8sctl etcd snapshot`: the `etcd-backup` maintenance plan (health of the first member, then the
/// `etcd-snapshot` step: save, `snapshot status`, rename, retention) run under the cluster lock,
/// then the snapshot's checksum and status read back, and optionally the file pulled here.
public struct EtcdSnapshotTaker: Sendable {
    public struct Request: Sendable {
        public var cluster: Cluster
        public var inventoryPath: String
        public var playbookDirectory: String
        public var connector: HostConnector
        /// A local directory to copy the snapshot into (0600), or nil to leave it on the host only.
        public var pullDirectory: String?
        /// The file name on the host; default `snapshot-<UTC time>.db`.
        public var name: String?
        public var sink: ApplyEventSink

        public init(cluster: Cluster, inventoryPath: String, playbookDirectory: String, connector: HostConnector,
                    pullDirectory: String? = nil, name: String? = nil, sink: @escaping ApplyEventSink = { _ in }) {
            self.cluster = cluster
            self.inventoryPath = inventoryPath
            self.playbookDirectory = playbookDirectory
            self.connector = connector
            self.pullDirectory = pullDirectory
            self.name = name
            self.sink = sink
        }
    }

    public struct Outcome: Sendable, Hashable {
        public var host: String
        /// Where the snapshot is on `host`.
        public var path: String
        public var sha256: String
        public var sizeBytes: Int
        /// etcd's revision at the snapshot (from `snapshot status`).
        public var revision: Int
        public var totalKeys: Int
        /// The local copy, when pulled.
        public var localPath: String?
    }

    public init() {}

    /// - Throws: `UnusableInput` (exit 2) for an unusable pull directory or unreachable hosts;
    ///   `ExecutorError.refused` when the plan or the snapshot fails.
    public func take(_ request: Request) async throws -> Outcome {
        let cluster = request.cluster
        guard let member = cluster.etcdHosts.first else { throw UnusableInput("\(cluster.name) has no etcd host") }
        var pullDirectory: URL?
        if let directory = request.pullDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UnusableInput("--pull \(directory): not a directory")
            }
            pullDirectory = URL(fileURLWithPath: directory)
        }
        let name = request.name ?? Self.defaultName()
        guard Self.isPlainFileName(name) else {
            throw UnusableInput("snapshot name \(name.debugDescription) must be a plain file name ending in .db")
        }
        var plan = try backupPlan(request)
        plan.steps = plan.steps.map { step in
            guard case .etcdSnapshot(var snapshot) = step.action else { return step }
            snapshot.name = name
            var renamed = step
            renamed.action = .etcdSnapshot(snapshot)
            return renamed
        }
        let session = MaintenanceSession(cluster: cluster, connector: request.connector, sink: request.sink)
        return try await session.run(on: [member]) { pool in
            request.sink(.phase("etcd snapshot through \(member.name)"))
            let contexts = await MaintenanceContexts.make(cluster: cluster, hosts: [member], pool: pool,
                                                          inventoryPath: request.inventoryPath)
            let report = await PlanExecution(plan: plan, contexts: contexts, parallelism: 1, sink: request.sink,
                                             interrupt: InterruptFlag()).run()
            guard report.succeeded else {
                throw ExecutorError.refused(reason: "the snapshot failed; the cluster was not changed:\n"
                    + report.failures.map { "  \($0.host) \($0.step): \($0.message)" }.joined(separator: "\n"))
            }
            let connection = try await pool.require(member.name)
            let path = cluster.etcd.snapshotDir + "/" + name
            let status = try await EtcdSnapshotFile(path: path).status(on: connection, cluster: cluster, member: member)
            var outcome = Outcome(host: member.name, path: path, sha256: status.sha256, sizeBytes: status.sizeBytes,
                                  revision: status.revision, totalKeys: status.totalKeys, localPath: nil)
            if let pullDirectory {
                request.sink(.phase("pulling \(path) from \(member.name)"))
                guard let bytes = try await connection.readFile(path) else {
                    throw ExecutorError.refused(reason: "\(member.name): \(path) disappeared before it could be pulled")
                }
                let local = pullDirectory.appendingPathComponent(name)
                let digest = Applier.sha256(bytes)
                guard digest == status.sha256 else {
                    throw ExecutorError.refused(reason: "the pulled copy of \(path) has sha256 \(digest), the host's has \(status.sha256); nothing was written locally")
                }
                try LocalPrivateFile.write(bytes, to: local)
                outcome.localPath = local.path
            }
            return outcome
        }
    }

    private func backupPlan(_ request: Request) throws -> Plan {
        let outcome = PlanRequest(desired: request.cluster, playbookDirectory: request.playbookDirectory,
                                  maintenance: .etcdBackup).make()
        switch outcome {
        case .unusablePlaybooks(let diagnostics):
            throw UnusableInput("unusable playbooks: " + diagnostics.errors.map(\.message).joined(separator: "; "))
        case .refused(let diagnostics):
            throw ExecutorError.refused(reason: "the etcd-backup plan was refused; nothing was changed:\n"
                + diagnostics.errors.map { "  \($0.location.map { "\($0): " } ?? "")\($0.message)" }.joined(separator: "\n"))
        case .planned(let plan, _):
            return plan
        }
    }

    static func defaultName(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return "snapshot-\(formatter.string(from: now)).db"
    }

    /// Letters, digits, `.-_`, ending in `.db` (the retention only counts `*.db`), not hidden.
    static func isPlainFileName(_ name: String) -> Bool {
        !name.hasPrefix(".") && name.hasSuffix(".db") && name.count <= 200
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
    }
}
