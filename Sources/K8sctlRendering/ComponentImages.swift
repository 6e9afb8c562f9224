import K8sctlModel

/// Container images of the static pods, as data. Kubernetes components follow the inventory's
/// version and image repository; etcd follows kubeadm's pairing; the proxies and VIP manager are
/// pinned here and move with k8sctl releases.
public enum ComponentImages {
    public static let haproxy = "docker.io/library/haproxy:3.0.6-alpine"
    public static let nginx = "docker.io/library/nginx:1.27.3-alpine"
    public static let kubeVIP = "ghcr.io/kube-vip/kube-vip:v0.8.7"
    /// The sandbox ("pause") image tag kubeadm pairs with each minor line.
    public static let pauseTagByMinor: [String: String] = [
        "1.28": "3.9", "1.29": "3.9", "1.30": "3.9", "1.31": "3.10", "1.32": "3.10", "1.33": "3.10", "1.34": "3.10.1",
    ]

    public static func kubernetes(_ component: String, cluster: Cluster) -> String {
        "\(cluster.kubernetes.imageRepository)/\(component):\(cluster.kubernetes.version.tag)"
    }

    public static func etcd(cluster: Cluster) -> String {
        "\(cluster.kubernetes.imageRepository)/etcd:\(cluster.etcdVersion)-0"
    }

    public static func pause(cluster: Cluster) -> String {
        "\(cluster.kubernetes.imageRepository)/pause:\(pauseTagByMinor[cluster.kubernetes.version.minorLine] ?? "3.10")"
    }
}
