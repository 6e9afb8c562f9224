/// How clients reach the API servers, and how the control-plane components are tuned.
public struct ControlPlaneSettings: Sendable, Hashable, Codable {
    public var endpoint: APIEndpoint
    public var leaderElection: LeaderElection
    public var extraArgs: ControlPlaneExtraArgs

    public init(endpoint: APIEndpoint = APIEndpoint(), leaderElection: LeaderElection = LeaderElection(),
                extraArgs: ControlPlaneExtraArgs = ControlPlaneExtraArgs()) {
        self.endpoint = endpoint
        self.leaderElection = leaderElection
        self.extraArgs = extraArgs
    }
}

/// The seed design's three HA options: a VIP held by the control-plane hosts, a local proxy on every
/// node balancing over all API servers (its "Phase 2"), or a load balancer the user runs.
public struct APIEndpoint: Sendable, Hashable, Codable {
    public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
        case vip
        case localProxy = "local-proxy"
        case external
    }
    public enum ProxyKind: String, Sendable, Hashable, Codable, CaseIterable { case haproxy, nginx }
    public enum VIPManager: String, Sendable, Hashable, Codable, CaseIterable {
        case keepalived
        case kubeVip = "kube-vip"
    }

    public var mode: Mode
    /// `vip` mode: the virtual address.
    public var vip: IPAddress?
    /// `vip` mode: the interface keepalived/kube-vip announces it on.
    public var interface: String?
    public var vipManager: VIPManager
    /// `external` mode: `host:port` of the user's load balancer.
    public var address: String?
    /// DNS name of the endpoint, added to the apiserver certificate.
    public var dnsName: String?
    /// Port the API servers listen on.
    public var apiServerPort: Int
    /// `local-proxy` mode: the proxy on each node and the port it listens on at 127.0.0.1.
    public var proxy: ProxyKind
    public var proxyPort: Int

    public init(mode: Mode = .localProxy, vip: IPAddress? = nil, interface: String? = nil,
                vipManager: VIPManager = .keepalived, address: String? = nil, dnsName: String? = nil,
                apiServerPort: Int = Defaults.apiServerPort, proxy: ProxyKind = .haproxy,
                proxyPort: Int = Defaults.localProxyPort) {
        self.mode = mode
        self.vip = vip
        self.interface = interface
        self.vipManager = vipManager
        self.address = address
        self.dnsName = dnsName
        self.apiServerPort = apiServerPort
        self.proxy = proxy
        self.proxyPort = proxyPort
    }

    /// `external` mode's address split into host and port (port defaults to 6443).
    public var externalHostPort: (host: String, port: Int)? {
        guard let address else { return nil }
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            let host = String(address[address.index(after: address.startIndex)..<close])
            let rest = address[address.index(after: close)...]
            if rest.hasPrefix(":"), let port = Int(rest.dropFirst()) { return (host, port) }
            return (host, Defaults.apiServerPort)
        }
        let parts = address.split(separator: ":")
        if parts.count == 2, let port = Int(parts[1]) { return (String(parts[0]), port) }
        return (address, Defaults.apiServerPort)
    }
}

/// Leader election for controller-manager and scheduler. Always enabled (the seed requires it);
/// the timings are configurable because they are tuned after destructive testing.
public struct LeaderElection: Sendable, Hashable, Codable {
    public var leaseDuration: TimeSpan
    public var renewDeadline: TimeSpan
    public var retryPeriod: TimeSpan

    public init(leaseDuration: TimeSpan = .seconds(15), renewDeadline: TimeSpan = .seconds(10),
                retryPeriod: TimeSpan = .seconds(2)) {
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }
}

/// User flags merged last over the rendered defaults, per component. Keys are flag names without `--`.
public struct ControlPlaneExtraArgs: Sendable, Hashable, Codable {
    public var apiserver: [String: String]
    public var controllerManager: [String: String]
    public var scheduler: [String: String]
    public init(apiserver: [String: String] = [:], controllerManager: [String: String] = [:], scheduler: [String: String] = [:]) {
        self.apiserver = apiserver
        self.controllerManager = controllerManager
        self.scheduler = scheduler
    }
}
