import K8sctlModel

/// Which API server URL each client on a host uses. Control-plane components and control-plane
/// kubelets talk to their own host's API server (no dependency on the VIP or a load balancer
/// being up, and no version skew during an upgrade); other kubelets use the cluster endpoint:
/// their local proxy at 127.0.0.1 (`local-proxy`), the VIP (`vip`) or the user's load balancer
/// (`external`).
public struct APIServerURLs: Sendable {
    public let cluster: Cluster

    public init(cluster: Cluster) { self.cluster = cluster }

    /// `https://<host address>:<apiServerPort>`.
    public func local(_ host: Host) -> String {
        "https://" + host.clusterAddress.hostPort(cluster.controlPlane.endpoint.apiServerPort)
    }

    /// The cluster endpoint as seen from `host`; nil when the inventory lacks the address its mode
    /// needs (validation reports that; rendering refuses).
    public func endpoint(from host: Host) -> String? {
        let endpoint = cluster.controlPlane.endpoint
        switch endpoint.mode {
        case .localProxy:
            if host.isControlPlane { return local(host) }
            return "https://" + IPAddress("127.0.0.1")!.hostPort(endpoint.proxyPort)
        case .vip:
            if let dnsName = endpoint.dnsName { return "https://\(dnsName):\(endpoint.apiServerPort)" }
            return endpoint.vip.map { "https://" + $0.hostPort(endpoint.apiServerPort) }
        case .external:
            guard let (name, port) = endpoint.externalHostPort else { return nil }
            if let address = IPAddress(name) { return "https://" + address.hostPort(port) }
            return "https://\(name):\(port)"
        }
    }

    /// The server of kubeconfig `name` (`admin`, `super-admin`, `controller-manager`,
    /// `scheduler`, `kubelet`) on `host`.
    public func server(kubeconfig name: String, on host: Host) -> String? {
        switch name {
        case "controller-manager", "scheduler": return local(host)
        case "kubelet": return host.isControlPlane ? local(host) : endpoint(from: host)
        default: return endpoint(from: host)
        }
    }
}
