import K8sctlModel
import K8sctlTransport

/// `k8sctl state pull`: the applied state as the control-plane hosts hold it, for a CI runner
/// with no local files (e.g. `validate --previous` against what the cluster really runs).
public struct StatePull: Sendable {
    public init() {}

    /// Connects to the control-plane hosts of `cluster` and returns the newest applied state, or nil
    /// for a cluster never applied.
    /// - Throws: `ExecutorError.refused` when no control-plane host answers.
    public func pull(cluster: Cluster, connector: HostConnector) async throws -> AppliedState? {
        let pool = HostPool(connector: connector)
        await pool.connect(cluster.controlPlaneHosts)
        var connections: [any RemoteHost] = []
        for host in cluster.controlPlaneHosts {
            if let connection = await pool.connection(host.name) { connections.append(connection) }
        }
        guard !connections.isEmpty else {
            let failures = await pool.failures
            throw ExecutorError.refused(reason: "no control-plane host answered:\n"
                + failures.keys.sorted().map { "  \($0): \(failures[$0]!)" }.joined(separator: "\n"))
        }
        do {
            let state = try await StateStore().pull(from: connections)
            await pool.closeAll()
            return state
        } catch {
            await pool.closeAll()
            throw error
        }
    }
}
