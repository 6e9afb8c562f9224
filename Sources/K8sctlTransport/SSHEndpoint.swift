import K8sctlModel

/// Everything needed to open one SSH connection, resolved from the inventory's `spec.ssh`, the
/// host's overrides and the environment by ``HostConnector``.
public struct SSHEndpoint: Sendable, Hashable {
    /// Inventory name (for messages and the transport report).
    public var name: String
    /// What to connect to: an IP literal or DNS name.
    public var address: String
    public var port: Int
    public var user: String
    /// Credentials, tried in order.
    public var identities: [SSHIdentity]
    public var knownHostsFile: String
    public var hostKeyPolicy: SSHSettings.HostKeyPolicy
    public var connectTimeout: TimeSpan

    public init(name: String, address: String, port: Int = 22, user: String = "root", identities: [SSHIdentity],
                knownHostsFile: String = Defaults.knownHosts, hostKeyPolicy: SSHSettings.HostKeyPolicy = .strict,
                connectTimeout: TimeSpan = .seconds(10)) {
        self.name = name
        self.address = address
        self.port = port
        self.user = user
        self.identities = identities
        self.knownHostsFile = knownHostsFile
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeout = connectTimeout
    }

    /// `cp1 (10.0.0.11:22)`, for messages.
    public var label: String { "\(name) (\(address):\(port))" }
}
