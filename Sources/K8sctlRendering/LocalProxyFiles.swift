import K8sctlModel

/// The local API proxy of `local-proxy` mode (the seed's "Phase 2"): on every kubelet host that is
/// not a control-plane host, haproxy or nginx listens on 127.0.0.1:proxyPort and balances over all
/// API servers, dropping unhealthy ones.
public struct LocalProxyConfigContext: TemplateContext, Sendable, Hashable {
    public struct Backend: Sendable, Hashable {
        public var name: String
        public var address: IPAddress
        public var port: Int
    }

    public var listenAddress = "127.0.0.1"
    public var listenPort: Int
    /// The proxy's own health endpoint, probed by the kubelet.
    public var healthBindAddress = "127.0.0.1"
    public var healthPort = LocalProxyConfigContext.healthPort
    public var backends: [Backend]

    /// Port of the proxy's `/healthz` (Kubespray's choice, clear of kubelet's 10248–10250).
    public static let healthPort = 8081

    public init(cluster: Cluster) {
        let endpoint = cluster.controlPlane.endpoint
        listenPort = endpoint.proxyPort
        backends = cluster.controlPlaneHosts.map { Backend(name: $0.name, address: $0.clusterAddress, port: endpoint.apiServerPort) }
    }

    public var templateValues: [String: Any] {
        [
            "listenAddress": listenAddress, "listenPort": listenPort,
            "healthBindAddress": healthBindAddress, "healthPort": healthPort,
            "backends": backends.map { backend -> [String: Any] in
                ["backendName": backend.name,
                 "backendAddress": backend.address.isIPv4 ? backend.address.description : "[\(backend.address)]",
                 "backendPort": backend.port]
            },
        ]
    }
}

public enum LocalProxyPod {
    /// Host path of the proxy's configuration for `kind`.
    public static func configPath(_ kind: APIEndpoint.ProxyKind) -> String {
        kind == .haproxy ? NodePaths.haproxyConfig : NodePaths.nginxConfig
    }

    public static func context(cluster: Cluster) -> StaticPodContext {
        let kind = cluster.controlPlane.endpoint.proxy
        let hostConfig = configPath(kind)
        let (image, mountPath, command): (String, String, [String]) = switch kind {
        case .haproxy: (ComponentImages.haproxy, "/usr/local/etc/haproxy/haproxy.cfg", ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"])
        case .nginx: (ComponentImages.nginx, "/etc/nginx/nginx.conf", ["nginx", "-g", "daemon off;"])
        }
        let name = "\(kind.rawValue)-apiserver-proxy"
        return StaticPodContext(
            name: name, image: image, command: command,
            labels: [("component", name), ("tier", "node"), ("k8s-app", "kube-apiserver-proxy")],
            probes: [
                .init(kind: .liveness, host: "127.0.0.1", path: "/healthz", port: LocalProxyConfigContext.healthPort,
                      scheme: "HTTP", initialDelaySeconds: nil, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3),
                .init(kind: .readiness, host: "127.0.0.1", path: "/healthz", port: LocalProxyConfigContext.healthPort,
                      scheme: "HTTP", initialDelaySeconds: nil, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3),
            ],
            cpuRequest: "25m", memoryRequest: "32M",
            volumes: [.init(name: "proxy-config", hostPath: hostConfig, mountPath: mountPath, type: "File", readOnly: true)])
    }
}
