import K8sctlModel

/// What one round trip to a host reveals: enough for the planner to tell install from upgrade from
/// no-op, and for validation to count etcd members that are already down.
public struct HostFacts: Sendable, Hashable, Codable {
    public var hostname: String
    public var osID: String
    public var osVersion: String
    public var architecture: String
    public var kernel: String
    /// Seconds since the epoch on the host, to detect clock skew (certificates, etcd leases).
    public var clock: Int
    public var swapActive: Bool
    /// Managed path → sha256 of its content; paths that do not exist are absent.
    public var fileChecksums: [String: String]
    /// Managed path → `MODE OWNER GROUP` as `stat -c '%a %U %G'` prints it (`600 root root`).
    public var fileMetadata: [String: String] = [:]
    /// Whether systemd runs as PID 1; without it no unit can run (units are then `unknown`).
    public var systemdRunning: Bool = true
    /// Unit name → state.
    public var units: [String: UnitState]
    /// Component (`etcd`, `kubelet`, `containerd`) → the version its binary reports.
    public var componentVersions: [String: String]
    /// On etcd hosts with a running member: the member list as the local member sees it.
    public var etcdMembers: [EtcdMemberFact]?
    /// On etcd hosts: whether the local member answered a health check.
    public var etcdHealthy: Bool?

    public init(hostname: String = "", osID: String = "", osVersion: String = "", architecture: String = "",
                kernel: String = "", clock: Int = 0, swapActive: Bool = false, fileChecksums: [String: String] = [:],
                units: [String: UnitState] = [:], componentVersions: [String: String] = [:],
                etcdMembers: [EtcdMemberFact]? = nil, etcdHealthy: Bool? = nil) {
        self.hostname = hostname
        self.osID = osID
        self.osVersion = osVersion
        self.architecture = architecture
        self.kernel = kernel
        self.clock = clock
        self.swapActive = swapActive
        self.fileChecksums = fileChecksums
        self.units = units
        self.componentVersions = componentVersions
        self.etcdMembers = etcdMembers
        self.etcdHealthy = etcdHealthy
    }
}

public struct UnitState: Sendable, Hashable, Codable {
    /// `active`, `inactive`, `failed`, `activating`… as `systemctl is-active` prints it.
    public var active: String
    /// `enabled`, `disabled`, `not-found`… as `systemctl is-enabled` prints it.
    public var enabled: String
    public init(active: String, enabled: String) {
        self.active = active
        self.enabled = enabled
    }
    public var isActive: Bool { active == "active" }
}

/// One line of `etcdctl member list`.
public struct EtcdMemberFact: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var peerURLs: [String]
    public var clientURLs: [String]
    public var isLearner: Bool
    public init(id: String, name: String, peerURLs: [String], clientURLs: [String], isLearner: Bool = false) {
        self.id = id
        self.name = name
        self.peerURLs = peerURLs
        self.clientURLs = clientURLs
        self.isLearner = isLearner
    }
    /// A member added but never started has no name yet.
    public var hasStarted: Bool { !name.isEmpty }
}
