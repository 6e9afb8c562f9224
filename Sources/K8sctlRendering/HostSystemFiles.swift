import K8sctlModel

/// `/etc/sysctl.d/99-kubernetes.conf`.
public struct SysctlContext: TemplateContext, Sendable, Hashable {
    public var settings: [(String, String)]

    public init(cluster: Cluster) {
        settings = [
            ("net.bridge.bridge-nf-call-ip6tables", "1"),
            ("net.bridge.bridge-nf-call-iptables", "1"),
            ("net.ipv4.ip_forward", "1"),
        ]
        if !cluster.network.podCIDR.isIPv4 || !cluster.network.serviceCIDR.isIPv4 {
            settings.append(("net.ipv6.conf.all.forwarding", "1"))
        }
        // Many pods each watching files; the kernel default (8192) runs out on busy nodes.
        settings.append(("fs.inotify.max_user_watches", "524288"))
        settings.append(("fs.inotify.max_user_instances", "512"))
    }

    public static func == (lhs: SysctlContext, rhs: SysctlContext) -> Bool { lhs.settings.map(\.0) == rhs.settings.map(\.0) && lhs.settings.map(\.1) == rhs.settings.map(\.1) }
    public func hash(into hasher: inout Hasher) { hasher.combine(settings.map(\.0)) }

    public var templateValues: [String: Any] { ["settings": settings.map { ["key": $0.0, "value": $0.1] }] }
}

/// `/etc/modules-load.d/k8s.conf`: overlay for containerd's snapshotter, br_netfilter so bridged
/// pod traffic passes iptables (the sysctls above need it loaded).
public struct ModulesLoadContext: TemplateContext, Sendable, Hashable {
    public var modules = ["overlay", "br_netfilter"]
    public init() {}
    public var templateValues: [String: Any] { ["modules": modules] }
}

/// `/etc/containerd/config.toml`.
public struct ContainerdConfigContext: TemplateContext, Sendable, Hashable {
    public var socketPath: String
    public var sandboxImage: String
    public var systemdCgroup: Bool

    public init(cluster: Cluster) {
        let endpoint = cluster.kubelet.containerRuntimeEndpoint
        socketPath = endpoint.hasPrefix("unix://") ? String(endpoint.dropFirst("unix://".count)) : endpoint
        sandboxImage = ComponentImages.pause(cluster: cluster)
        systemdCgroup = cluster.kubelet.cgroupDriver == "systemd"
    }

    public var templateValues: [String: Any] {
        // TOML basic strings share JSON/YAML double-quote escaping for the characters that can occur here.
        ["socketPath": YAMLText.quoted(socketPath), "sandboxImage": YAMLText.quoted(sandboxImage),
         "systemdCgroup": systemdCgroup ? "true" : "false"]
    }
}

/// `containerd.service`.
public struct ContainerdServiceContext: TemplateContext, Sendable, Hashable {
    public var containerdBinary = NodePaths.containerdBinary
    public var modprobeBinary = NodePaths.modprobeBinary
    public var configPath = NodePaths.containerdConfig
    public init() {}
    public var templateValues: [String: Any] {
        ["containerdBinary": containerdBinary, "modprobeBinary": modprobeBinary, "configPath": configPath]
    }
}
