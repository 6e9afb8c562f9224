import Foundation
import K8sctlModel

/// `vip` mode with keepalived: a VRRP instance per control-plane host (unicast to the other
/// control-plane hosts, so it works where multicast is filtered), dropping its priority when the
/// local API server stops answering `/readyz`.
public struct KeepalivedConfigContext: TemplateContext, Sendable, Hashable {
    public var routerID: String
    public var interface: String
    public var virtualRouterID: Int
    public var priority: Int
    public var authPass: String
    public var sourceAddress: IPAddress
    public var peers: [IPAddress]
    public var vip: IPAddress
    public var checkScript = NodePaths.keepalivedCheck

    /// - Throws: `RenderError.unsupported` when the inventory has no VIP or interface.
    public init(cluster: Cluster, host: K8sctlModel.Host) throws {
        let endpoint = cluster.controlPlane.endpoint
        guard let vip = endpoint.vip, let interface = endpoint.interface else {
            throw RenderError.unsupported(host: host.name, message: "controlPlane.endpoint.mode is vip but vip or interface is missing",
                                          hint: "set controlPlane.endpoint.vip and controlPlane.endpoint.interface")
        }
        let controlPlane = cluster.controlPlaneHosts
        let position = controlPlane.firstIndex { $0.name == host.name } ?? 0
        self.routerID = host.name
        self.interface = interface
        self.vip = vip
        // Stable per cluster, so two k8sctl clusters on one L2 segment do not collide by default.
        let digest = Self.fnv1a(cluster.name)
        self.virtualRouterID = Int(digest % 254) + 1
        self.authPass = String(String(digest, radix: 16).leftPadded(to: 16).prefix(8))
        // The first control-plane host is preferred; the check's weight (-20) moves the VIP off a
        // host whose API server is down even when it had the highest priority.
        self.priority = max(1, 150 - position)
        self.sourceAddress = host.clusterAddress
        self.peers = controlPlane.filter { $0.name != host.name }.map(\.clusterAddress)
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return hash
    }

    public var templateValues: [String: Any] {
        [
            "routerID": routerID, "interface": interface, "virtualRouterID": virtualRouterID, "priority": priority,
            "authPass": authPass, "sourceAddress": sourceAddress.description,
            "peers": peers.map(\.description), "hasPeers": !peers.isEmpty,
            "vip": vip.description, "checkScript": checkScript, "instanceName": "K8SCTL_API",
        ]
    }
}

/// keepalived's health check script: this host's API server `/readyz`.
public struct KeepalivedCheckContext: TemplateContext, Sendable, Hashable {
    public var readyzURL: String
    public init(cluster: Cluster, host: K8sctlModel.Host) {
        readyzURL = "https://" + host.clusterAddress.hostPort(cluster.controlPlane.endpoint.apiServerPort) + "/readyz"
    }
    public var templateValues: [String: Any] { ["readyzURL": readyzURL] }
}

/// keepalived's unit (the distribution's keepalived binary, our configuration file).
public struct KeepalivedServiceContext: TemplateContext, Sendable, Hashable {
    public var vip: String
    public var keepalivedBinary = NodePaths.keepalivedBinary
    public var configPath = NodePaths.keepalivedConfig
    public init(vip: String) { self.vip = vip }
    public var templateValues: [String: Any] {
        ["vip": vip, "keepalivedBinary": keepalivedBinary, "configPath": configPath]
    }
}

/// `vip` mode with kube-vip: a static pod in ARP mode with leader election through the API.
/// Its kubeconfig carries admin's identity but points at the host's own API server: with the
/// VIP as server (admin.conf) the first control-plane host could never elect a leader, since the
/// VIP only exists once one is elected.
public enum KubeVIPPod {
    public static let kubeconfigPath = "/etc/kubernetes/kube-vip.conf"

    public static func context(cluster: Cluster, host: K8sctlModel.Host) throws -> StaticPodContext {
        let endpoint = cluster.controlPlane.endpoint
        guard let vip = endpoint.vip, let interface = endpoint.interface else {
            throw RenderError.unsupported(host: host.name, message: "controlPlane.endpoint.mode is vip but vip or interface is missing",
                                          hint: "set controlPlane.endpoint.vip and controlPlane.endpoint.interface")
        }
        let kubeconfig = kubeconfigPath
        return StaticPodContext(
            name: "kube-vip", image: ComponentImages.kubeVIP, command: ["/kube-vip"], args: ["manager"],
            labels: [("component", "kube-vip"), ("tier", "control-plane")],
            env: [
                ("address", vip.description), ("cp_enable", "true"), ("cp_namespace", "kube-system"),
                ("port", "\(endpoint.apiServerPort)"), ("vip_arp", "true"), ("vip_cidr", vip.isIPv4 ? "32" : "128"),
                ("vip_interface", interface), ("vip_leaderelection", "true"), ("vip_leasename", "plndr-cp-lock"),
                ("vip_leaseduration", "5"), ("vip_renewdeadline", "3"), ("vip_retryperiod", "1"),
            ],
            cpuRequest: "50m", capabilities: ["NET_ADMIN", "NET_RAW"],
            hostAliases: [("127.0.0.1", "kubernetes")],
            volumes: [.init(name: "kubeconfig", hostPath: kubeconfig, mountPath: "/etc/kubernetes/admin.conf",
                            type: "FileOrCreate", readOnly: true)])
    }
}
