/// Which node labels a kubelet may set on itself with `--node-labels`. Since Kubernetes 1.16 the
/// kubelet refuses to start with labels in the `kubernetes.io`/`k8s.io` namespaces outside an
/// allowed set (so `node-role.kubernetes.io/control-plane` must be applied through the API, as
/// kubeadm does after the node registers).
public enum KubeletLabelPolicy {
    public static let allowedPrefixes = ["kubelet.kubernetes.io/", "node.kubernetes.io/"]
    public static let allowedKeys: Set<String> = [
        "beta.kubernetes.io/arch", "beta.kubernetes.io/instance-type", "beta.kubernetes.io/os",
        "failure-domain.beta.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone",
        "kubernetes.io/arch", "kubernetes.io/hostname", "kubernetes.io/os",
        "node.kubernetes.io/instance-type", "topology.kubernetes.io/region", "topology.kubernetes.io/zone",
    ]

    /// Whether the kubelet accepts `key` in `--node-labels`.
    public static func kubeletMaySet(_ key: String) -> Bool {
        guard let slash = key.firstIndex(of: "/") else { return true }
        let domain = key[..<slash]
        let restricted = domain == "kubernetes.io" || domain.hasSuffix(".kubernetes.io")
            || domain == "k8s.io" || domain.hasSuffix(".k8s.io")
        guard restricted else { return true }
        return allowedKeys.contains(key) || allowedPrefixes.contains { key.hasPrefix($0) }
    }

    /// Splits labels into those the kubelet registers with and those the executor applies through
    /// the API after registration.
    public static func split(_ labels: [String: String]) -> (kubelet: [String: String], api: [String: String]) {
        var kubelet: [String: String] = [:], api: [String: String] = [:]
        for (key, value) in labels {
            if kubeletMaySet(key) { kubelet[key] = value } else { api[key] = value }
        }
        return (kubelet, api)
    }
}
