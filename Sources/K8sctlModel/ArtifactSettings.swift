/// Where binaries come from and the checksums they must match. Pins are per component and version,
/// so an upgrade is one edit that adds the new version's pins next to the old ones.
public struct ArtifactSettings: Sendable, Hashable, Codable {
    /// A local directory (relative to the inventory) or an `https://` base URL.
    public var source: String
    /// component → version → sha256 (lower-case hex).
    public var sha256: [String: [String: String]]

    public init(source: String = Defaults.artifactSource, sha256: [String: [String: String]] = [:]) {
        self.source = source
        self.sha256 = sha256
    }

    public func pin(component: String, version: String) -> String? {
        sha256[component]?[version] ?? sha256[component]?["v" + version]
    }
}

/// The components k8sctl installs from artifacts, and which version line each follows.
public enum ArtifactComponent: String, Sendable, CaseIterable, Codable {
    case kubelet, kubectl, kubeadm
    case kubeAPIServer = "kube-apiserver"
    case kubeControllerManager = "kube-controller-manager"
    case kubeScheduler = "kube-scheduler"
    case kubeProxy = "kube-proxy"
    case etcd, etcdctl, containerd, runc
    case cniPlugins = "cni-plugins"

    /// Components released with Kubernetes itself, pinned at `spec.kubernetes.version`.
    public var followsKubernetesVersion: Bool {
        switch self {
        case .kubelet, .kubectl, .kubeadm, .kubeAPIServer, .kubeControllerManager, .kubeScheduler, .kubeProxy: true
        default: false
        }
    }
}
