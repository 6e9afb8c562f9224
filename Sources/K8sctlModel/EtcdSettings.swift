/// The etcd cluster: where it runs and where its data lives.
public struct EtcdSettings: Sendable, Hashable, Codable {
    public enum Topology: String, Sendable, Hashable, Codable, CaseIterable {
        /// etcd on the control-plane hosts.
        case stacked
        /// etcd on dedicated hosts.
        case external
    }
    /// How etcd is run on its hosts: a systemd unit (Kubespray's default `host`) or a static pod.
    public enum Deployment: String, Sendable, Hashable, Codable, CaseIterable {
        case host
        case staticPod = "static-pod"
    }

    public var topology: Topology
    public var deployment: Deployment
    /// etcd's version; nil means the default for the Kubernetes version (see `Defaults.etcdVersion`).
    public var version: SemanticVersion?
    public var dataDir: String
    public var snapshotDir: String
    /// How many snapshots to keep in `snapshotDir`.
    public var snapshotRetention: Int
    public var clientPort: Int
    public var peerPort: Int
    public var extraArgs: [String: String]

    public init(topology: Topology = .stacked, deployment: Deployment = .host, version: SemanticVersion? = nil,
                dataDir: String = Defaults.etcdDataDir, snapshotDir: String = Defaults.etcdSnapshotDir,
                snapshotRetention: Int = 5, clientPort: Int = 2379, peerPort: Int = 2380,
                extraArgs: [String: String] = [:]) {
        self.topology = topology
        self.deployment = deployment
        self.version = version
        self.dataDir = dataDir
        self.snapshotDir = snapshotDir
        self.snapshotRetention = snapshotRetention
        self.clientPort = clientPort
        self.peerPort = peerPort
        self.extraArgs = extraArgs
    }
}
