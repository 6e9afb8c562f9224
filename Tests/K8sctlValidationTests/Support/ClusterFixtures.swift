import K8sctlModel

/// Clusters built in code for rule tables: a realistic HA shape, edited per case.
enum ClusterFixtures {
    static func host(_ name: String, _ address: String, _ roles: Set<Role>, internalAddress inner: String? = nil,
                     critical: Bool = false, replacement: Bool = false) -> Host {
        Host(name: name, address: IPAddress(address)!, internalAddress: inner.map { IPAddress($0)! }, roles: roles,
             critical: critical, replacement: replacement)
    }

    /// Gives every host its `spec.hosts[i]` path, as the loader does.
    static func numbered(_ hosts: [Host]) -> [Host] {
        hosts.enumerated().map { index, host in
            var copy = host
            copy.path = "spec.hosts[\(index)]"
            return copy
        }
    }

    /// Three stacked control-plane + etcd hosts and three workers, local-proxy endpoint, 1.31.4.
    static func ha3(_ edit: (inout Cluster) -> Void = { _ in }) -> Cluster {
        var cluster = Cluster(
            name: "prod", kubernetes: KubernetesSettings(version: SemanticVersion("1.31.4")!),
            hosts: [
                host("cp1", "10.0.0.11", [.controlPlane, .etcd]),
                host("cp2", "10.0.0.12", [.controlPlane, .etcd]),
                host("cp3", "10.0.0.13", [.controlPlane, .etcd]),
                host("w1", "10.0.0.21", [.worker]),
                host("w2", "10.0.0.22", [.worker]),
                host("w3", "10.0.0.23", [.worker]),
            ])
        edit(&cluster)
        cluster.hosts = numbered(cluster.hosts)
        return cluster
    }

    /// `count` hosts that are control-plane + etcd, plus three workers.
    static func stacked(_ count: Int, _ edit: (inout Cluster) -> Void = { _ in }) -> Cluster {
        ha3 { cluster in
            cluster.hosts = (1...count).map { host("cp\($0)", "10.0.0.\(10 + $0)", [.controlPlane, .etcd]) }
                + cluster.workerHosts
            edit(&cluster)
        }
    }

    /// Sets the roles of the named hosts.
    static func setRoles(_ cluster: inout Cluster, _ names: [String], _ roles: Set<Role>) {
        for index in cluster.hosts.indices where names.contains(cluster.hosts[index].name) {
            cluster.hosts[index].roles = roles
        }
    }

    static func version(_ text: String) -> SemanticVersion { SemanticVersion(text)! }

    static func observed(down: [String] = [], healthy: [String] = [], kubelets: [String: String] = [:]) -> ObservedState {
        var state = ObservedState()
        for name in healthy { state.hosts[name] = HostObservation(reachable: true, etcdHealth: .healthy) }
        for name in down { state.hosts[name] = HostObservation(reachable: false, etcdHealth: .unhealthy) }
        for (name, version) in kubelets {
            var seen = state.hosts[name] ?? HostObservation()
            seen.kubeletVersion = SemanticVersion(version)!
            state.hosts[name] = seen
        }
        return state
    }
}
