import Foundation
import K8sctlModel
import K8sctlRendering
import K8sctlTransport

/// `k8sctl etcd restore`: disaster recovery of the whole etcd cluster from one snapshot.
///
/// Nothing is stopped before everything that can be checked was: every host reachable, the
/// snapshot on every member with the same sha256, and a trial restore of it next to each live
/// data directory (which is the integrity check). Then, after confirmation: the API servers'
/// static pods are parked (so nothing writes to etcd), etcd stops on every member, each live data
/// directory is moved aside (never deleted) and the restored one put in its place with a new
/// cluster token, etcd starts on every member at once (they need each other for quorum), their
/// membership and health are checked, and the control plane comes back.
public struct EtcdRestore: Sendable {
    public struct Request: Sendable {
        public var cluster: Cluster
        public var connector: HostConnector
        /// A local file (uploaded to every member) or, when no such local file exists, a path on the hosts.
        public var snapshot: String
        /// Asked once every check passed, with a summary; false refuses (nothing was changed).
        public var confirm: @Sendable (String) -> Bool
        public var sink: ApplyEventSink
        /// How long members and API servers may take to come back.
        public var healthTimeoutSeconds = 180

        public init(cluster: Cluster, connector: HostConnector, snapshot: String,
                    confirm: @escaping @Sendable (String) -> Bool, sink: @escaping ApplyEventSink = { _ in }) {
            self.cluster = cluster
            self.connector = connector
            self.snapshot = snapshot
            self.confirm = confirm
            self.sink = sink
        }
    }

    public struct Outcome: Sendable, Hashable {
        public var sha256: String
        public var revision: Int
        public var token: String
        /// Where each member's previous data directory went.
        public var movedAside: [String: String]
        public var members: [String]
    }

    public init() {}

    public func restore(_ request: Request, now: Date = Date()) async throws -> Outcome {
        let cluster = request.cluster
        let members = cluster.etcdHosts
        guard !members.isEmpty else { throw UnusableInput("\(cluster.name) has no etcd host") }
        guard cluster.etcd.deployment == .host else {
            throw UnusableInput("etcd restore supports spec.etcd.deployment: host (a systemd unit); this cluster runs etcd as a static pod, which this version cannot restore")
        }
        let local = try LocalSnapshot.load(request.snapshot)
        let stamp = EtcdSnapshotTaker.defaultName(now: now).dropFirst("snapshot-".count).dropLast(".db".count)
        let token = "k8sctl-\(cluster.name)-restore-\(stamp)".lowercased()
        let session = MaintenanceSession(cluster: cluster, connector: request.connector, sink: request.sink)
        let started = ContinuousClock.now
        // Seconds since the restore began, for the step lines.
        let elapsed: @Sendable () -> Double = {
            let d = ContinuousClock.now - started
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }

        return try await session.run(on: members) { pool in
            // 1. The snapshot on every member, identical everywhere.
            request.sink(.phase("placing the snapshot on \(members.count) etcd member(s)"))
            let placement = SnapshotPlacement(cluster: cluster, members: members, pool: pool, sink: request.sink)
            let placed = try await placement.place(local: local, hostPath: request.snapshot)

            // 2. Trial restore next to each live data directory (the integrity check).
            request.sink(.phase("restoring the snapshot beside each member's data directory (nothing stopped yet)"))
            let initialCluster = EtcdMemberFlags.initialCluster(members, cluster: cluster)
            var staged: [String] = []
            do {
                for member in members {
                    let connection = try await pool.require(member.name)
                    let result = try await connection.run(RemoteCommand(
                        ["/bin/sh", "-c", EtcdRestoreScripts.stage, "k8sctl-etcd-restore", placed.paths[member.name]!,
                         cluster.etcd.dataDir, member.name, initialCluster, token, EtcdMemberFlags.peerURL(member, cluster: cluster)],
                        timeout: .seconds(600)))
                    staged.append(member.name)
                    guard result.succeeded else {
                        throw UnusableInput("\(member.name): the snapshot does not restore (\(result.outcomeDescription)): \(EtcdSnapshotFile.reason(result.stderr))")
                    }
                    request.sink(.stepFinished(host: member.name, step: "stage-restore", status: .ok,
                                               detail: "restored into \(cluster.etcd.dataDir).k8sctl-restore with \(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))", seconds: elapsed()))
                }
            } catch {
                await discard(staged, cluster: cluster, pool: pool)
                await placement.remove(placed.uploaded)
                throw error
            }

            // 3. Confirmation, with everything known.
            let summary = """
                Restore etcd of cluster \(cluster.name) on \(members.map(\.name).joined(separator: ", ")) from \(request.snapshot)
                (sha256 \(placed.status.sha256), etcd revision \(placed.status.revision), \(placed.status.totalKeys) keys).
                This stops the API servers (\(cluster.controlPlaneHosts.map(\.name).joined(separator: ", "))) and etcd on every member;
                everything written to etcd after the snapshot is lost. The current data directories are kept as
                \(cluster.etcd.dataDir).before-restore-\(stamp).
                """
            guard request.confirm(summary) else {
                await discard(staged, cluster: cluster, pool: pool)
                await placement.remove(placed.uploaded)
                throw UnusableInput("not confirmed; nothing was changed")
            }

            // 4. From here on the cluster is changed: every failure says where it stopped.
            var phase = "stopping the API servers"
            do {
                request.sink(.phase(phase))
                for host in cluster.controlPlaneHosts {
                    let connection = try await pool.require(host.name)
                    try await ControlPlaneManifests.park([.kubeAPIServer, .kubeControllerManager, .kubeScheduler], on: connection)
                }
                for host in cluster.controlPlaneHosts {
                    let connection = try await pool.require(host.name)
                    guard try await ControlPlaneManifests.wait(on: connection, ControlPlaneManifests.apiServerAnswers(host, cluster: cluster),
                                                               untilSucceeds: false, seconds: request.healthTimeoutSeconds) else {
                        throw StepFailure.message("\(host.name): the API server still answers \(request.healthTimeoutSeconds) s after its manifest was moved away")
                    }
                    request.sink(.stepFinished(host: host.name, step: "apiserver-stopped", status: .changed, detail: "static pods parked in \(ControlPlaneManifests.parkingDirectory)", seconds: elapsed()))
                }

                phase = "stopping etcd"
                request.sink(.phase(phase))
                try await forEachMember(members, pool: pool) { member, connection in
                    try await Self.require(connection, ["systemctl", "stop", "etcd.service"], step: "etcd-stop")
                    request.sink(.stepFinished(host: member.name, step: "etcd-stop", status: .changed, detail: "etcd.service stopped", seconds: elapsed()))
                }

                phase = "replacing the data directories"
                request.sink(.phase(phase))
                var movedAside: [String: String] = [:]
                for member in members {
                    let connection = try await pool.require(member.name)
                    let result = try await Self.require(connection, ["/bin/sh", "-c", EtcdRestoreScripts.swap, "k8sctl-etcd-swap",
                                                                     cluster.etcd.dataDir, "before-restore-\(stamp)"], step: "etcd-swap-data")
                    let aside = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !aside.isEmpty { movedAside[member.name] = aside }
                    request.sink(.stepFinished(host: member.name, step: "etcd-restore-data", status: .changed,
                                               detail: aside.isEmpty ? "restored data in place" : "restored data in place; previous data kept at \(aside)", seconds: elapsed()))
                }

                phase = "starting etcd"
                request.sink(.phase(phase))
                try await forEachMember(members, pool: pool) { member, connection in
                    // --no-block: a member reports ready only once a quorum of members runs.
                    try await Self.require(connection, ["systemctl", "start", "--no-block", "etcd.service"], step: "etcd-start")
                }
                try await forEachMember(members, pool: pool) { member, connection in
                    guard try await ControlPlaneManifests.wait(on: connection, ControlPlaneManifests.etcdMemberHealthy(member, cluster: cluster),
                                                               untilSucceeds: true, seconds: request.healthTimeoutSeconds) else {
                        throw StepFailure.message("\(member.name): etcd did not become healthy within \(request.healthTimeoutSeconds) s")
                    }
                    request.sink(.stepFinished(host: member.name, step: "etcd-healthy", status: .ok, detail: "member healthy", seconds: elapsed()))
                }

                phase = "verifying membership"
                request.sink(.phase(phase))
                let first = try await pool.require(members[0].name)
                let listed = try await EtcdMembershipCheck(cluster: cluster).verify(via: first, through: members[0], expected: members.map(\.name))
                request.sink(.stepFinished(host: members[0].name, step: "etcd-members", status: .ok, detail: listed, seconds: elapsed()))

                phase = "starting the control plane"
                request.sink(.phase(phase))
                for host in cluster.controlPlaneHosts {
                    let connection = try await pool.require(host.name)
                    try await ControlPlaneManifests.unpark([.kubeAPIServer, .kubeControllerManager, .kubeScheduler], on: connection)
                }
                for host in cluster.controlPlaneHosts {
                    let connection = try await pool.require(host.name)
                    guard try await ControlPlaneManifests.wait(on: connection, ControlPlaneManifests.apiServerReady(host, cluster: cluster),
                                                               untilSucceeds: true, seconds: request.healthTimeoutSeconds) else {
                        throw StepFailure.message("\(host.name): the API server is not ready \(request.healthTimeoutSeconds) s after its manifest came back")
                    }
                    request.sink(.stepFinished(host: host.name, step: "apiserver-ready", status: .ok, detail: "/readyz ok", seconds: elapsed()))
                }
                return Outcome(sha256: placed.status.sha256, revision: placed.status.revision, token: token,
                               movedAside: movedAside, members: members.map(\.name))
            } catch {
                throw ExecutorError.refused(reason: """
                    etcd restore stopped while \(phase): \(error)
                    The previous data directories are kept as \(cluster.etcd.dataDir).before-restore-\(stamp) on the members that got \
                    that far; parked control-plane manifests are in \(ControlPlaneManifests.parkingDirectory). Fix the cause and run \
                    the restore again (it starts over from the snapshot), or see docs/lifecycle.md "etcd restore" to go back by hand.
                    """)
            }
        }
    }

    private func discard(_ members: [String], cluster: Cluster, pool: HostPool) async {
        for name in members {
            guard let connection = await pool.connection(name) else { continue }
            _ = try? await connection.run(RemoteCommand(["/bin/sh", "-c", EtcdRestoreScripts.discard, "k8sctl-etcd-discard", cluster.etcd.dataDir]))
        }
    }

    private func forEachMember(_ members: [K8sctlModel.Host], pool: HostPool,
                               _ body: @escaping @Sendable (K8sctlModel.Host, any RemoteHost) async throws -> Void) async throws {
        var connections: [(K8sctlModel.Host, any RemoteHost)] = []
        for member in members { connections.append((member, try await pool.require(member.name))) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (member, connection) in connections { group.addTask { try await body(member, connection) } }
            try await group.waitForAll()
        }
    }

    @discardableResult
    static func require(_ connection: any RemoteHost, _ arguments: [String], step: String) async throws -> CommandResult {
        let result = try await connection.run(RemoteCommand(arguments, timeout: .seconds(300)))
        guard result.succeeded else {
            throw ExecutorError.stepFailed(host: connection.name, step: step, command: RemoteCommand(arguments).shellText,
                                           outcome: result.outcomeDescription, stderr: result.stderrTail())
        }
        return result
    }
}
