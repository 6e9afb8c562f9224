/// Choices that are not in the inventory because they depend on the cluster's current state,
/// which the planner knows.
public struct RenderOptions: Sendable, Hashable {
    /// etcd members joining a running cluster (host name → state). Hosts not listed bootstrap with
    /// `initial-cluster-state=new` and every etcd host in `initial-cluster`.
    public var etcdStates: [String: EtcdClusterState]

    public init(etcdStates: [String: EtcdClusterState] = [:]) {
        self.etcdStates = etcdStates
    }

    public func etcdState(for host: String) -> EtcdClusterState { etcdStates[host] ?? .new }
}
