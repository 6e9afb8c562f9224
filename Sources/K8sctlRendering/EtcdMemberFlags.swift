import K8sctlModel

/// Whether an etcd member bootstraps a new cluster or joins a running one. A joining member is
/// added with `etcdctl member add` first (kubeadm's order); its `--initial-cluster` then lists the
/// members the cluster has at that moment, itself included.
public enum EtcdClusterState: Sendable, Hashable {
    case new
    case existing(memberNames: [String])

    public var flagValue: String {
        switch self {
        case .new: "new"
        case .existing: "existing"
        }
    }
}

/// The flags of one etcd member, shared by the systemd unit's environment file and the static
/// pod: client and peer TLS with client-certificate auth, URLs on the host's cluster address.
public enum EtcdMemberFlags {
    /// etcd's `initial-cluster` value for these members: `name=peerURL`, comma-separated.
    public static func initialCluster(_ members: [Host], cluster: Cluster) -> String {
        members.map { "\($0.name)=\(peerURL($0, cluster: cluster))" }.joined(separator: ",")
    }

    public static func peerURL(_ host: Host, cluster: Cluster) -> String {
        "https://" + host.clusterAddress.hostPort(cluster.etcd.peerPort)
    }

    public static func clientURL(_ host: Host, cluster: Cluster) -> String {
        "https://" + host.clusterAddress.hostPort(cluster.etcd.clientPort)
    }

    /// - Throws: `RenderError.unsupported` when a joining member's list names a host that is not an
    ///   etcd host of the inventory.
    public static func flags(cluster: Cluster, host: Host, state: EtcdClusterState) throws -> FlagList {
        let pki = NodePaths.pkiFile
        let members: [Host]
        switch state {
        case .new:
            members = cluster.etcdHosts
        case .existing(let names):
            members = try names.map { name in
                guard let member = cluster.host(named: name), member.isEtcd else {
                    throw RenderError.unsupported(host: host.name, message: "etcd member '\(name)' to join is not an etcd host",
                                                  hint: "list only hosts with the etcd role")
                }
                return member
            }
        }
        let initialCluster = Self.initialCluster(members, cluster: cluster)
        let loopback = host.clusterAddress.isIPv4 ? "127.0.0.1" : "::1"
        var flags = FlagList([
            "name": host.name,
            "data-dir": cluster.etcd.dataDir,
            "advertise-client-urls": clientURL(host, cluster: cluster),
            "listen-client-urls": "https://" + IPAddress(loopback)!.hostPort(cluster.etcd.clientPort) + ","
                + clientURL(host, cluster: cluster),
            "listen-peer-urls": peerURL(host, cluster: cluster),
            "initial-advertise-peer-urls": peerURL(host, cluster: cluster),
            "initial-cluster": initialCluster,
            "initial-cluster-state": state.flagValue,
            "initial-cluster-token": "k8sctl-\(cluster.name)",
            "listen-metrics-urls": "http://" + IPAddress(loopback)!.hostPort(2381),
            "client-cert-auth": "true",
            "trusted-ca-file": pki("etcd/ca.crt"),
            "cert-file": pki("etcd/server.crt"),
            "key-file": pki("etcd/server.key"),
            "peer-client-cert-auth": "true",
            "peer-trusted-ca-file": pki("etcd/ca.crt"),
            "peer-cert-file": pki("etcd/peer.crt"),
            "peer-key-file": pki("etcd/peer.key"),
            "snapshot-count": "10000",
            "logger": "zap",
        ])
        // Flags kubeadm adds whose names changed between etcd releases: 3.5 has them as
        // experimental, 3.6 renamed them, 3.4 lacks the progress notification.
        let version = cluster.etcdVersion
        if version >= SemanticVersion(major: 3, minor: 6, patch: 0) {
            flags["feature-gates"] = "InitialCorruptCheck=true"
            flags["watch-progress-notify-interval"] = "5s"
        } else if version >= SemanticVersion(major: 3, minor: 5, patch: 0) {
            flags["experimental-initial-corrupt-check"] = "true"
            flags["experimental-watch-progress-notify-interval"] = "5s"
        }
        return flags.merging(extraArgs: cluster.etcd.extraArgs)
    }

    /// `ETCD_<FLAG>` environment variables for the flags, as etcd reads them.
    public static func environment(_ flags: FlagList) -> [(String, String)] {
        flags.values.keys.sorted().map { name in
            ("ETCD_" + name.uppercased().replacingOccurrences(of: "-", with: "_"), flags.values[name]!)
        }
    }
}
