import K8sctlModel
import K8sctlTransport

/// The frame of `etcd snapshot`, `etcd restore` and `certs renew`: `LockedClusterSession` over the
/// given hosts plus the control plane (which holds the lock and the state), with unreachable hosts
/// reported as unusable input (exit 2: nothing was touched).
struct MaintenanceSession {
    let cluster: Cluster
    let connector: HostConnector
    let sink: ApplyEventSink
    var parallelism = 64

    func run<Value: Sendable>(on hosts: [Host], _ body: (HostPool) async throws -> Value) async throws -> Value {
        var wanted = cluster.controlPlaneHosts
        for host in hosts where !wanted.contains(where: { $0.name == host.name }) { wanted.append(host) }
        return try await LockedClusterSession(connector: connector, parallelism: parallelism, sink: sink)
            .run(hosts: wanted, controlPlane: cluster.controlPlaneHosts, unreachable: { UnusableInput($0) }) { pool, _ in
                try await body(pool)
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
