import Foundation
import K8sctlModel
import K8sctlTransport

/// A snapshot given to `etcd restore`: a local file (its bytes and sha256), or nil when the
/// argument names a path on the hosts.
struct LocalSnapshot: Sendable {
    var path: String
    var bytes: [UInt8]
    var sha256: String

    /// - Throws: `UnusableInput` for a local directory, an unreadable file, or a relative path that
    ///   does not exist here (a path on the hosts must be absolute).
    static func load(_ path: String) throws -> LocalSnapshot? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            guard path.hasPrefix("/") else {
                throw UnusableInput("\(path): no such local file (a snapshot on the hosts is named by its absolute path)")
            }
            return nil
        }
        guard !isDirectory.boolValue else { throw UnusableInput("\(path) is a directory, not a snapshot file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw UnusableInput("\(path): cannot read it") }
        guard !data.isEmpty else { throw UnusableInput("\(path) is empty, not an etcd snapshot") }
        let bytes = [UInt8](data)
        return LocalSnapshot(path: path, bytes: bytes, sha256: Applier.sha256(bytes))
    }
}

/// Puts one identical snapshot on every etcd member and checks it there (`snapshot status`): a
/// local file is uploaded (atomically, 0600, into the snapshot directory) and its checksum
/// compared; a path on the hosts is used where it exists and copied to members that lack it.
struct SnapshotPlacement {
    let cluster: Cluster
    let members: [K8sctlModel.Host]
    let pool: HostPool
    let sink: ApplyEventSink

    struct Placed: Sendable {
        /// The snapshot's path on each member.
        var paths: [String: String]
        var status: EtcdSnapshotFile.Status
        /// Files this placement wrote (host → path), removed again when the restore is refused.
        var uploaded: [String: String]
    }

    func place(local: LocalSnapshot?, hostPath: String) async throws -> Placed {
        if let local {
            let staged = cluster.etcd.snapshotDir + "/restore-\(local.sha256.prefix(12)).db"
            var paths: [String: String] = [:]
            for member in members { paths[member.name] = staged }
            try await upload(local.bytes, sha256: local.sha256, to: staged, on: members)
            do {
                return Placed(paths: paths, status: try await checkIdentical(paths: paths, expectedSHA: local.sha256), uploaded: paths)
            } catch {
                await remove(paths)
                throw error
            }
        }
        var found: [String: EtcdSnapshotFile.Status] = [:]
        var missing: [K8sctlModel.Host] = []
        for member in members {
            let connection = try await pool.require(member.name)
            switch try await EtcdSnapshotFile(path: hostPath).inspect(on: connection) {
            case .success(let status): found[member.name] = status
            case .failure(.missing): missing.append(member)
            case .failure(.corrupt(let reason)): throw UnusableInput("\(member.name): \(hostPath) is not a usable etcd snapshot: \(reason)")
            case .failure(.other(let reason)): throw ExecutorError.refused(reason: "\(member.name): reading \(hostPath) failed: \(reason)")
            }
        }
        guard let source = members.first(where: { found[$0.name] != nil }), let status = found[source.name] else {
            throw UnusableInput("\(hostPath): no such file on any etcd member (\(members.map(\.name).joined(separator: ", "))), and not a local file")
        }
        if let other = found.first(where: { $0.value.sha256 != status.sha256 }) {
            throw UnusableInput("\(hostPath) differs between \(source.name) (sha256 \(status.sha256)) and \(other.key) (sha256 \(other.value.sha256)); pass the one to restore as a local file")
        }
        var paths = Dictionary(uniqueKeysWithValues: found.keys.map { ($0, hostPath) })
        var uploaded: [String: String] = [:]
        if !missing.isEmpty {
            sink(.phase("copying \(hostPath) from \(source.name) to \(missing.map(\.name).joined(separator: ", "))"))
            guard let bytes = try await pool.require(source.name).readFile(hostPath) else {
                throw ExecutorError.refused(reason: "\(source.name): \(hostPath) disappeared while being copied")
            }
            let staged = cluster.etcd.snapshotDir + "/restore-\(status.sha256.prefix(12)).db"
            try await upload(bytes, sha256: status.sha256, to: staged, on: missing)
            for member in missing { paths[member.name] = staged; uploaded[member.name] = staged }
        }
        do {
            return Placed(paths: paths, status: try await checkIdentical(paths: paths, expectedSHA: status.sha256), uploaded: uploaded)
        } catch {
            await remove(uploaded)
            throw error
        }
    }

    /// Removes uploaded copies (host → path); best effort, a refusal is already under way.
    func remove(_ files: [String: String]) async {
        for (host, path) in files {
            guard let connection = await pool.connection(host) else { continue }
            _ = try? await connection.run(RemoteCommand(["rm", "-f", "--", path]))
        }
    }

    private func upload(_ bytes: [UInt8], sha256: String, to path: String, on hosts: [K8sctlModel.Host]) async throws {
        let started = ContinuousClock.now
        let file = NodeFile(path: path, content: bytes, mode: 0o600, isSecret: true, origin: "etcd-snapshot")
        var connections: [any RemoteHost] = []
        for host in hosts { connections.append(try await pool.require(host.name)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { _ = try await connection.writeFiles([file], directoryMode: 0o700) }
            }
            try await group.waitForAll()
        }
        let took = ContinuousClock.now - started
        let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        for host in hosts {
            sink(.stepFinished(host: host.name, step: "upload-snapshot", status: .changed,
                               detail: "\(path) (\(bytes.count) bytes, sha256 \(sha256.prefix(12))…)", seconds: seconds))
        }
    }

    /// `snapshot status` and sha256 on every member; all must agree with `expectedSHA`.
    private func checkIdentical(paths: [String: String], expectedSHA: String) async throws -> EtcdSnapshotFile.Status {
        var first: EtcdSnapshotFile.Status?
        for member in members {
            let connection = try await pool.require(member.name)
            let status = try await EtcdSnapshotFile(path: paths[member.name]!).status(on: connection, cluster: cluster, member: member)
            guard status.sha256 == expectedSHA else {
                throw UnusableInput("\(member.name): \(paths[member.name]!) has sha256 \(status.sha256), expected \(expectedSHA)")
            }
            first = first ?? status
        }
        return first!
    }
}
