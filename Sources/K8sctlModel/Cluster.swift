/// A whole inventory, resolved: every default applied, every value typed.
public struct Cluster: Sendable, Hashable, Codable {
    public var name: String
    public var kubernetes: KubernetesSettings
    public var network: NetworkSettings
    public var controlPlane: ControlPlaneSettings
    public var etcd: EtcdSettings
    public var kubelet: KubeletSettings
    public var pki: PKISettings
    public var artifacts: ArtifactSettings
    public var ssh: SSHSettings
    public var rollout: RolloutPolicy
    public var nodePools: [NodePool]
    public var hosts: [Host]
    /// Where each value came from; empty for clusters built in code.
    public var sourceMap: SourceMap

    public init(name: String, kubernetes: KubernetesSettings, network: NetworkSettings = NetworkSettings(),
                controlPlane: ControlPlaneSettings = ControlPlaneSettings(), etcd: EtcdSettings = EtcdSettings(),
                kubelet: KubeletSettings = KubeletSettings(), pki: PKISettings = PKISettings(),
                artifacts: ArtifactSettings = ArtifactSettings(), ssh: SSHSettings = SSHSettings(),
                rollout: RolloutPolicy = RolloutPolicy(), nodePools: [NodePool] = [], hosts: [Host] = [],
                sourceMap: SourceMap = SourceMap(file: "<memory>")) {
        self.name = name
        self.kubernetes = kubernetes
        self.network = network
        self.controlPlane = controlPlane
        self.etcd = etcd
        self.kubelet = kubelet
        self.pki = pki
        self.artifacts = artifacts
        self.ssh = ssh
        self.rollout = rollout
        self.nodePools = nodePools
        self.hosts = hosts
        self.sourceMap = sourceMap
    }

    public var controlPlaneHosts: [Host] { hosts(with: .controlPlane) }
    public var etcdHosts: [Host] { hosts(with: .etcd) }
    public var workerHosts: [Host] { hosts(with: .worker) }
    public var kubeletHosts: [Host] { hosts(with: .controlPlane, or: .worker) }

    /// `hosts.filter { … }` without a copy of each host it tests: `filter` (and a closure over a
    /// whole `Host`) copies each one, retaining every field — for 5,000 hosts, in rules that look
    /// for 3 of them. Reading only `roles` of each element does not copy the host.
    private func hosts(with role: Role, or other: Role? = nil) -> [Host] {
        var result: [Host] = []
        for index in hosts.indices where hosts[index].roles.contains(where: { $0 == role || $0 == other }) {
            result.append(hosts[index])
        }
        return result
    }

    public func host(named name: String) -> Host? { hosts.first { $0.name == name } }
    public func pool(named name: String) -> NodePool? { nodePools.first { $0.name == name } }

    /// etcd's version: the inventory's, or kubeadm's pairing for the Kubernetes version.
    public var etcdVersion: SemanticVersion { etcd.version ?? Defaults.etcdVersion(for: kubernetes.version) }

    /// Labels a host registers with: its pool's, the pool's zone, then its own.
    public func nodeLabels(for host: Host) -> [String: String] {
        var labels: [String: String] = [:]
        if let poolName = host.pool, let pool = pool(named: poolName) {
            labels.merge(pool.labels) { _, new in new }
            if let zone = pool.zone { labels["topology.kubernetes.io/zone"] = zone }
        }
        labels.merge(host.labels) { _, new in new }
        if host.isControlPlane { labels["node-role.kubernetes.io/control-plane"] = "" }
        return labels
    }

    /// Taints a host registers with: its pool's then its own (control-plane hosts that are not
    /// workers get kubeadm's control-plane taint).
    public func nodeTaints(for host: Host) -> [Taint] {
        var taints: [Taint] = []
        if let poolName = host.pool, let pool = pool(named: poolName) { taints += pool.taints }
        taints += host.taints
        if host.isControlPlane && !host.isWorker {
            taints.append(Taint(key: "node-role.kubernetes.io/control-plane", effect: .noSchedule))
        }
        var seen = Set<Taint>()
        return taints.filter { seen.insert($0).inserted }
    }

    /// Position of a value in the inventory it was loaded from.
    public func location(of path: String) -> SourceLocation { sourceMap.location(of: path) }
}
