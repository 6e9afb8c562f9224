import K8sctlModel

/// `/var/lib/kubelet/config.yaml`: the KubeletConfiguration.
public struct KubeletConfigContext: TemplateContext, Sendable, Hashable {
    public var clusterDNS: [String]
    public var clusterDomain: String
    public var cgroupDriver: String
    public var containerRuntimeEndpoint: String
    /// `containerRuntimeEndpoint` is a KubeletConfiguration field from 1.27 on; older kubelets take the flag.
    public var runtimeEndpointInConfig: Bool
    public var maxPods: Int
    public var taints: [Taint]
    public var staticPodPath: String = NodePaths.manifests
    public var clientCAFile: String = NodePaths.pkiFile("ca.crt")
    public var resolvConf: String = "/run/systemd/resolve/resolv.conf"

    public init(cluster: Cluster, host: Host) {
        clusterDNS = [cluster.network.clusterDNSIP.description]
        clusterDomain = cluster.network.dnsDomain
        cgroupDriver = cluster.kubelet.cgroupDriver
        containerRuntimeEndpoint = cluster.kubelet.containerRuntimeEndpoint
        runtimeEndpointInConfig = cluster.kubernetes.version >= SemanticVersion(major: 1, minor: 27, patch: 0)
        maxPods = cluster.kubelet.maxPods
        taints = cluster.nodeTaints(for: host)
    }

    public var templateValues: [String: Any] {
        let q = YAMLText.quoted
        return [
            "clientCAFile": q(clientCAFile), "cgroupDriver": q(cgroupDriver), "clusterDNS": clusterDNS.map(q),
            "clusterDomain": q(clusterDomain), "hasRuntimeEndpointField": runtimeEndpointInConfig,
            "containerRuntimeEndpoint": q(containerRuntimeEndpoint), "maxPods": maxPods,
            "hasTaints": !taints.isEmpty,
            "taints": taints.map { taint -> [String: Any] in
                ["taintKey": q(taint.key), "hasTaintValue": taint.value != nil, "taintValue": q(taint.value ?? ""),
                 "taintEffect": taint.effect.rawValue]
            },
            "resolvConf": q(resolvConf), "staticPodPath": q(staticPodPath),
        ]
    }
}

/// `kubelet.service`: the unit without flags (those are in the drop-in, as kubeadm splits them).
public struct KubeletServiceContext: TemplateContext, Sendable, Hashable {
    public var kubeletBinary = NodePaths.kubeletBinary
    public var runtimeUnit = "containerd.service"
    public init() {}
    public var templateValues: [String: Any] { ["kubeletBinary": kubeletBinary, "runtimeUnit": runtimeUnit] }
}

/// `kubelet.service.d/10-k8sctl.conf`: this host's kubelet flags, the inventory's extraArgs last.
public struct KubeletDropInContext: TemplateContext, Sendable, Hashable {
    public var kubeletBinary = NodePaths.kubeletBinary
    public var flags: FlagList

    public init(cluster: Cluster, host: Host) {
        var flags = FlagList([
            "config": NodePaths.kubeletConfig,
            "hostname-override": host.name,
            "kubeconfig": NodePaths.kubeconfig("kubelet"),
            "node-ip": host.clusterAddress.description,
        ])
        let labels = KubeletLabelPolicy.split(cluster.nodeLabels(for: host)).kubelet
        if !labels.isEmpty {
            flags["node-labels"] = labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")
        }
        if cluster.kubernetes.version < SemanticVersion(major: 1, minor: 27, patch: 0) {
            flags["container-runtime-endpoint"] = cluster.kubelet.containerRuntimeEndpoint
        }
        self.flags = flags.merging(extraArgs: cluster.kubelet.extraArgs)
    }

    public var templateValues: [String: Any] {
        ["kubeletBinary": kubeletBinary, "arguments": flags.arguments.map(SystemdText.argument)]
    }
}
