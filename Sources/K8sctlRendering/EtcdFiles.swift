import K8sctlModel

/// `/etc/etcd/etcd.env`.
public struct EtcdEnvironmentContext: TemplateContext, Sendable, Hashable {
    public var memberName: String
    public var state: EtcdClusterState
    public var flags: FlagList

    public init(memberName: String, state: EtcdClusterState, flags: FlagList) {
        self.memberName = memberName
        self.state = state
        self.flags = flags
    }

    public var templateValues: [String: Any] {
        [
            "memberName": memberName, "initialClusterState": state.flagValue,
            // extraArgs values may hold anything but a newline: quoted for systemd's EnvironmentFile parser.
            "variables": EtcdMemberFlags.environment(flags).map { ["key": $0.0, "value": EnvironmentFileText.value($0.1)] },
        ]
    }
}

/// `/etc/systemd/system/etcd.service`.
public struct EtcdServiceContext: TemplateContext, Sendable, Hashable {
    public var memberName: String
    public var etcdBinary = NodePaths.etcdBinary
    public var environmentFile = NodePaths.etcdEnvironment

    public init(memberName: String) { self.memberName = memberName }

    public var templateValues: [String: Any] {
        ["memberName": memberName, "etcdBinary": etcdBinary, "environmentFile": environmentFile]
    }
}

/// etcd as a static pod (`etcd.deployment: static-pod`), like kubeadm's local etcd.
public enum EtcdPod {
    /// etcd 3.5.13 added /livez and /readyz (kubeadm uses them since); older members answer /health.
    static func probes(cluster: Cluster) -> [StaticPodContext.Probe] {
        if cluster.etcdVersion >= SemanticVersion(major: 3, minor: 5, patch: 13) {
            return StaticPodContext.kubeadmProbes(host: "127.0.0.1", port: 2381, scheme: "HTTP",
                                                  liveness: "/livez", readiness: "/readyz", startup: "/readyz")
        }
        return StaticPodContext.kubeadmProbes(host: "127.0.0.1", port: 2381, scheme: "HTTP",
                                              liveness: "/health?exclude=NOSPACE&serializable=true", readiness: nil,
                                              startup: "/health?serializable=false")
    }

    public static func context(cluster: Cluster, flags: FlagList) -> StaticPodContext {
        let dataDir = cluster.etcd.dataDir
        return StaticPodContext(
            name: "etcd", image: ComponentImages.etcd(cluster: cluster),
            command: ["etcd"] + flags.arguments,
            labels: [("component", "etcd"), ("tier", "control-plane")],
            annotations: [("kubeadm.kubernetes.io/etcd.advertise-client-urls", flags["advertise-client-urls"] ?? "")],
            probes: probes(cluster: cluster),
            cpuRequest: "100m", memoryRequest: "100Mi",
            volumes: [
                .init(name: "etcd-certs", hostPath: NodePaths.etcdPKI, mountPath: NodePaths.etcdPKI,
                      type: "DirectoryOrCreate", readOnly: true),
                .init(name: "etcd-data", hostPath: dataDir, mountPath: dataDir, type: "DirectoryOrCreate", readOnly: false),
            ])
    }
}
