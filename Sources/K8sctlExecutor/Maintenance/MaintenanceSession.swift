import K8sctlModel
import K8sctlTransport

/// The frame of every maintenance command (`etcd snapshot`, `etcd restore`, `certs renew`): one
/// connection per host, every host reachable before anything happens, the cluster lock held on a
/// majority of the control-plane hosts for the whole operation, and every SSH session closed on
/// every path (a process exiting with libssh2 sessions open can crash).
struct MaintenanceSession {
    let cluster: Cluster
    let connector: HostConnector
    let sink: ApplyEventSink
    var parallelism = 64

    /// Connects to `hosts` (the control plane is always added: it holds the lock and the state),
    /// takes the lock, runs `body`, releases the lock.
    /// - Throws: `UnusableInput` when a host cannot be reached (nothing was touched),
    ///   `ExecutorError.lockHeld` when another run holds the lock, or what `body` throws.
    func run<Value: Sendable>(on hosts: [Host], _ body: (HostPool) async throws -> Value) async throws -> Value {
        let pool = HostPool(connector: connector, parallelism: parallelism)
        var wanted = cluster.controlPlaneHosts
        for host in hosts where !wanted.contains(where: { $0.name == host.name }) { wanted.append(host) }
        sink(.phase("connecting to \(wanted.count) hosts"))
        await pool.connect(wanted)
        let failures = await pool.failures
        for host in wanted {
            if let connection = await pool.connection(host.name) { sink(.connected(host: host.name, transport: connection.transportDescription)) }
            if let reason = failures[host.name] { sink(.connectFailed(host: host.name, reason: reason)) }
        }
        guard failures.isEmpty else {
            await pool.closeAll()
            throw UnusableInput("cannot reach \(failures.count) of \(wanted.count) hosts; nothing was changed:\n"
                + failures.keys.sorted().map { "  \($0): \(failures[$0]!)" }.joined(separator: "\n"))
        }
        var controlPlane: [any RemoteHost] = []
        for host in cluster.controlPlaneHosts { if let connection = await pool.connection(host.name) { controlPlane.append(connection) } }
        let lock = ClusterLock()
        do {
            try await lock.acquire(on: controlPlane)
        } catch {
            await pool.closeAll()
            throw error
        }
        do {
            let result = try await body(pool)
            await lock.release(on: controlPlane)
            await pool.closeAll()
            return result
        } catch {
            await lock.release(on: controlPlane)
            await pool.closeAll()
            throw error
        }
    }
}

extension HostPool {
    /// The connection of a host the session connected, or a refusal naming it (a bug if it happens:
    /// the session refuses to start unless every host connected).
    func require(_ name: String) throws -> any RemoteHost {
        guard let connection = connections[name] else {
            throw ExecutorError.unreachable(host: name, reason: "not connected")
        }
        return connection
    }
}
