import K8sctlModel
import K8sctlTransport

/// The frame every command that changes a live cluster shares with `apply`: connect to the hosts
/// (one connection each), take the cluster lock on a majority of the control plane, run, release the
/// lock and close every session — also when the body throws (libssh2 sessions left open crash the
/// process on exit).
struct LockedClusterSession {
    let connector: HostConnector
    let parallelism: Int
    let sink: ApplyEventSink

    /// - Parameters:
    ///   - hosts: every host to connect to; an unreachable one refuses the run before anything is
    ///     touched (nothing is half-stopped or half-reset because a host was down).
    ///   - controlPlane: the hosts holding the lock and the applied state.
    /// - Throws: `ExecutorError.refused` for unreachable hosts, `lockHeld`, or what `body` throws.
    func run<T: Sendable>(hosts: [Host], controlPlane: [Host],
                          _ body: (HostPool, [any RemoteHost]) async throws -> T) async throws -> T {
        let pool = HostPool(connector: connector, parallelism: parallelism)
        sink(.phase("connecting to \(hosts.count) hosts"))
        await pool.connect(hosts)
        let failures = await pool.failures
        for host in hosts {
            if let connection = await pool.connection(host.name) { sink(.connected(host: host.name, transport: connection.transportDescription)) }
            if let reason = failures[host.name] { sink(.connectFailed(host: host.name, reason: reason)) }
        }
        guard failures.isEmpty else {
            await pool.closeAll()
            throw ExecutorError.refused(reason: "cannot reach \(failures.count) of \(hosts.count) hosts; nothing was changed:\n"
                + failures.keys.sorted().map { "  \($0): \(failures[$0]!)" }.joined(separator: "\n"))
        }
        var locked: [any RemoteHost] = []
        for host in controlPlane { if let connection = await pool.connection(host.name) { locked.append(connection) } }
        let lock = ClusterLock()
        do {
            try await lock.acquire(on: locked)
        } catch {
            await pool.closeAll()
            throw error
        }
        do {
            let result = try await body(pool, locked)
            await lock.release(on: locked)
            await pool.closeAll()
            return result
        } catch {
            await lock.release(on: locked)
            await pool.closeAll()
            throw error
        }
    }
}
