import K8sctlModel

/// Kubespray's inventory groups and the native roles they become. Data, tested as data.
enum KubesprayGroups {
    /// Group → role. Legacy names (`kube-master`, `kube-node`) are still found in old inventories.
    static let roles: [(group: String, role: Role)] = [
        ("kube_control_plane", .controlPlane),
        ("kube-master", .controlPlane),
        ("kube_master", .controlPlane),
        ("etcd", .etcd),
        ("kube_node", .worker),
        ("kube-node", .worker),
    ]
    static let legacyNames: [String: String] = [
        "kube-master": "kube_control_plane", "kube_master": "kube_control_plane",
        "kube-node": "kube_node", "k8s-cluster": "k8s_cluster",
    ]
    /// Kubespray's umbrella group (control plane + nodes + route reflectors): no role of its own.
    static let cluster = ["k8s_cluster", "k8s-cluster"]
    /// Calico route reflectors: no k8sctl equivalent.
    static let calicoRouteReflectors = "calico_rr"
    /// The jump host(s) Kubespray's bastion role configures SSH through.
    static let bastion = "bastion"
    /// Network plugins k8sctl documents (spec.network.plugin); others are imported with a warning.
    static let documentedPlugins: Set<String> = ["calico", "flannel", "cilium"]

    static func roles(of host: AnsibleInventory.Host) -> Set<Role> {
        Set(roles.filter { host.groups.contains($0.group) }.map(\.role))
    }
}
