import K8sctlModel
import K8sctlRendering

/// Which running component reads which certificate file, so a renewal restarts exactly the
/// components whose files changed (kubeadm's `certs renew` leaves that to the operator). Data,
/// tested as data.
enum CertificateConsumer: String, Sendable, CaseIterable, Comparable {
    // Declared in restart order on a host: etcd first (the API server needs it), the kubelet last.
    case etcd
    case kubeAPIServer = "kube-apiserver"
    case kubeControllerManager = "kube-controller-manager"
    case kubeScheduler = "kube-scheduler"
    case kubelet

    static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Node paths each component reads at start.
    static let inputs: [CertificateConsumer: [String]] = {
        let pki = NodePaths.pki, kube = NodePaths.kubernetesDirectory
        return [
            .etcd: ["\(pki)/etcd/server.crt", "\(pki)/etcd/server.key", "\(pki)/etcd/peer.crt", "\(pki)/etcd/peer.key", "\(pki)/etcd/ca.crt"],
            .kubeAPIServer: ["\(pki)/apiserver.crt", "\(pki)/apiserver.key", "\(pki)/apiserver-kubelet-client.crt",
                             "\(pki)/apiserver-kubelet-client.key", "\(pki)/front-proxy-client.crt", "\(pki)/front-proxy-client.key",
                             "\(pki)/apiserver-etcd-client.crt", "\(pki)/apiserver-etcd-client.key", "\(pki)/ca.crt",
                             "\(pki)/front-proxy-ca.crt", "\(pki)/etcd/ca.crt", "\(pki)/sa.pub", "\(pki)/sa.key"],
            .kubeControllerManager: ["\(kube)/controller-manager.conf", "\(pki)/ca.crt", "\(pki)/ca.key", "\(pki)/sa.key",
                                     "\(pki)/front-proxy-ca.crt"],
            .kubeScheduler: ["\(kube)/scheduler.conf"],
            .kubelet: ["\(kube)/kubelet.conf", "\(pki)/ca.crt"],
        ]
    }()

    /// The components on `host` that read one of `changed`, in restart order.
    static func affected(by changed: Set<String>, on host: Host) -> [CertificateConsumer] {
        allCases.filter { consumer in
            consumer.runs(on: host) && (inputs[consumer] ?? []).contains { changed.contains($0) }
        }
    }

    func runs(on host: Host) -> Bool {
        switch self {
        case .etcd: host.isEtcd
        case .kubeAPIServer, .kubeControllerManager, .kubeScheduler: host.isControlPlane
        case .kubelet: host.runsKubelet
        }
    }

    /// Files that carry certificates or keys: everything under the PKI directory and the kubeconfigs
    /// in /etc/kubernetes (their client certificates are embedded).
    static func carriesCertificates(_ path: String) -> Bool {
        if path.hasPrefix(NodePaths.pki + "/") { return true }
        let prefix = NodePaths.kubernetesDirectory + "/"
        return path.hasPrefix(prefix) && path.hasSuffix(".conf") && !path.dropFirst(prefix.count).contains("/")
    }
}
