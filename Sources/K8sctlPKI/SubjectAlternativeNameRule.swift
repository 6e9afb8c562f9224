import K8sctlModel

/// The names a certificate answers to, built from the inventory. Kept as a rule (not a list) in
/// the catalog so a changed host address or endpoint changes exactly the certificates built from it.
public enum SubjectAlternativeNameRule: Sendable, Hashable {
    case none
    /// kube-apiserver's serving names: the in-cluster service names, the first service IP, the
    /// host's name and addresses, loopback (the local-proxy mode reaches it on 127.0.0.1) and the
    /// API endpoint (VIP, external load balancer, DNS name).
    case apiServer
    /// etcd server and peer names, as kubeadm's GetEtcdAltNames: host name, localhost, the host's
    /// addresses and both loopbacks.
    case etcdMember

    public func resolve(host: Host?, cluster: Cluster) -> AlternativeNames {
        guard let host else { return AlternativeNames() }
        switch self {
        case .none:
            return AlternativeNames()
        case .apiServer:
            let domain = cluster.network.dnsDomain
            var names = AlternativeNames(
                dnsNames: ["kubernetes", "kubernetes.default", "kubernetes.default.svc",
                           "kubernetes.default.svc." + domain, host.name],
                ipAddresses: [cluster.network.kubernetesServiceIP, host.address, host.clusterAddress,
                              IPAddress("127.0.0.1")!])
            let endpoint = cluster.controlPlane.endpoint
            if let dnsName = endpoint.dnsName, !dnsName.isEmpty { names.insert(name: dnsName) }
            switch endpoint.mode {
            case .vip:
                if let vip = endpoint.vip { names.ipAddresses.insert(vip) }
            case .external:
                if let external = endpoint.externalHostPort { names.insert(name: external.host) }
            case .localProxy:
                break
            }
            return names
        case .etcdMember:
            return AlternativeNames(
                dnsNames: [host.name, "localhost"],
                ipAddresses: [host.address, host.clusterAddress, IPAddress("127.0.0.1")!, IPAddress("::1")!])
        }
    }
}

/// A certificate's DNS and IP subject alternative names, compared as sets: order in the
/// certificate does not matter, and DNS names compare case-insensitively as DNS does.
public struct AlternativeNames: Sendable, Hashable, CustomStringConvertible {
    public var dnsNames: Set<String>
    public var ipAddresses: Set<IPAddress>

    public init(dnsNames: Set<String> = [], ipAddresses: Set<IPAddress> = []) {
        self.dnsNames = Set(dnsNames.map { $0.lowercased() })
        self.ipAddresses = ipAddresses
    }

    /// Adds a name that may be an address literal (`10.0.0.5`) or a DNS name.
    public mutating func insert(name: String) {
        if let address = IPAddress(name) { ipAddresses.insert(address) } else { dnsNames.insert(name.lowercased()) }
    }

    public var isEmpty: Bool { dnsNames.isEmpty && ipAddresses.isEmpty }

    /// DNS names sorted, then addresses sorted: a stable order for certificates and listings.
    public var sortedDNSNames: [String] { dnsNames.sorted() }
    public var sortedIPAddresses: [IPAddress] { ipAddresses.sorted() }

    /// `DNS:kubernetes, IP:10.96.0.1`, as openssl prints them.
    public var description: String {
        (sortedDNSNames.map { "DNS:" + $0 } + sortedIPAddresses.map { "IP:\($0)" }).joined(separator: ", ")
    }
}
