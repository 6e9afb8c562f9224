/// A machine in the inventory.
public struct Host: Sendable, Hashable, Codable {
    /// Node name, also the Kubernetes Node name and the etcd member name.
    public var name: String
    /// The address k8sctl connects to over SSH.
    public var address: IPAddress
    /// The address cluster components bind and advertise (defaults to `address`).
    public var internalAddress: IPAddress?
    public var roles: Set<Role>
    /// Name of the node pool whose labels, taints and zone the host inherits.
    public var pool: String?
    /// Host-level labels, merged over the pool's.
    public var labels: [String: String]
    /// Host-level taints, added to the pool's.
    public var taints: [Taint]
    /// A failure of this host stops a rollout at once.
    public var critical: Bool
    /// Set when a host keeps its name but gets a new address on purpose (a re-installed machine).
    public var replacement: Bool
    /// Per-host SSH overrides (user, port, key) over `spec.ssh`.
    public var ssh: SSHOverrides
    /// Where the host is declared (`spec.hosts[3]`), the prefix for its source positions.
    public var path: String

    public init(name: String, address: IPAddress, internalAddress: IPAddress? = nil, roles: Set<Role>,
                pool: String? = nil, labels: [String: String] = [:], taints: [Taint] = [],
                critical: Bool = false, replacement: Bool = false, ssh: SSHOverrides = SSHOverrides(),
                path: String = "") {
        self.name = name
        self.address = address
        self.internalAddress = internalAddress
        self.roles = roles
        self.pool = pool
        self.labels = labels
        self.taints = taints
        self.critical = critical
        self.replacement = replacement
        self.ssh = ssh
        self.path = path
    }

    /// The address components use between themselves.
    public var clusterAddress: IPAddress { internalAddress ?? address }
    // A scan of the (at most three) roles instead of a hashed lookup: these run for every host in
    // most validation rules and in planning, and hashing was ~5 % of `plan` at 5,000 hosts.
    public var isControlPlane: Bool { roles.contains { $0 == .controlPlane } }
    public var isEtcd: Bool { roles.contains { $0 == .etcd } }
    public var isWorker: Bool { roles.contains { $0 == .worker } }
    /// Every host runs a kubelet except dedicated etcd hosts.
    public var runsKubelet: Bool { isControlPlane || isWorker }
}

public struct SSHOverrides: Sendable, Hashable, Codable {
    public var user: String?
    public var port: Int?
    public var identityFile: String?
    public var transport: SSHTransportKind?
    public init(user: String? = nil, port: Int? = nil, identityFile: String? = nil, transport: SSHTransportKind? = nil) {
        self.user = user
        self.port = port
        self.identityFile = identityFile
        self.transport = transport
    }
}
