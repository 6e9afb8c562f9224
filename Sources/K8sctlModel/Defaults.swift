/// Every default of the inventory format in one place; `inventory show` prints them resolved and the
/// README's inventory reference lists them.
public enum Defaults {
    public static let apiVersion = "k8sctl.dev/v1"
    public static let kind = "Cluster"
    public static let podCIDR = CIDR("10.244.0.0/16")!
    public static let serviceCIDR = CIDR("10.96.0.0/12")!
    public static let nodeMaskSize = 24
    public static let dnsDomain = "cluster.local"
    public static let networkPlugin = "calico"
    public static let apiServerPort = 6443
    public static let localProxyPort = 6443
    public static let etcdDataDir = "/var/lib/etcd"
    public static let etcdSnapshotDir = "/var/backups/etcd"
    public static let artifactSource = "./artifacts"
    public static let knownHosts = "~/.ssh/known_hosts"
    public static let imageRepository = "registry.k8s.io"

    /// The etcd release kubeadm pairs with each Kubernetes minor line (kubeadm's SupportedEtcdVersion).
    public static let etcdVersionByKubernetesMinor: [String: String] = [
        "1.28": "3.5.15", "1.29": "3.5.16", "1.30": "3.5.16", "1.31": "3.5.16",
        "1.32": "3.5.16", "1.33": "3.5.21", "1.34": "3.6.4",
    ]

    public static func etcdVersion(for kubernetes: SemanticVersion) -> SemanticVersion {
        SemanticVersion(etcdVersionByKubernetesMinor[kubernetes.minorLine] ?? "3.5.16")!
    }
}
