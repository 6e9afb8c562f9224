import K8sctlModel

/// Renders every file one host needs from the inventory, the host and the credentials PKI issued
/// for it. Pure apart from reading templates once: the same input gives the same bytes.
public struct NodeRenderer: Sendable {
    public let library: TemplateLibrary

    public init(library: TemplateLibrary) { self.library = library }

    /// - Parameters:
    ///   - cluster: the resolved inventory.
    ///   - host: one of `cluster.hosts`.
    ///   - credentials: PKI's certificate/key files for the host (passed through unchanged) and the
    ///     client credentials its kubeconfigs embed.
    ///   - options: etcd join states.
    /// - Throws: `RenderError` naming the template file and line, or the host and what to change.
    public func render(cluster: Cluster, host: Host, credentials: HostCredentials,
                       options: RenderOptions = RenderOptions()) throws -> RenderedHost {
        var files = credentials.files
        func add(_ path: String, _ name: TemplateName, _ context: some TemplateContext, mode: UInt16 = 0o644,
                 secret: Bool = false) throws {
            let text = try library.render(name, context, host: host.name)
            files.append(NodeFile(path: path, text: text, mode: mode, isSecret: secret, origin: "template:\(name.fileName)"))
        }

        let endpoint = cluster.controlPlane.endpoint
        let urls = APIServerURLs(cluster: cluster)

        for name in KubeconfigContext.names(for: host) {
            guard let credential = credentials.kubeconfigs[name] else {
                throw RenderError.missingCredential(host: host.name, kubeconfig: name)
            }
            guard let server = urls.server(kubeconfig: name, on: host) else {
                throw RenderError.unsupported(host: host.name, message: "no API endpoint address for mode \(endpoint.mode.rawValue)",
                                              hint: "set controlPlane.endpoint.vip (vip) or controlPlane.endpoint.address (external)")
            }
            try add(NodePaths.kubeconfig(name), .kubeconfig,
                    KubeconfigContext(clusterName: cluster.name, server: server, credential: credential), mode: 0o600, secret: true)
        }

        if host.isControlPlane {
            for pod in [ControlPlanePods.apiServer(cluster: cluster, host: host),
                        ControlPlanePods.controllerManager(cluster: cluster, host: host),
                        ControlPlanePods.scheduler(cluster: cluster, host: host)] {
                try add(NodePaths.manifest(pod.name), .staticPod, pod, mode: 0o600)
            }
            if endpoint.mode == .vip {
                switch endpoint.vipManager {
                case .keepalived:
                    try add(NodePaths.keepalivedConfig, .keepalivedConfig, try KeepalivedConfigContext(cluster: cluster, host: host),
                            mode: 0o600, secret: true)
                    try add(NodePaths.keepalivedCheck, .keepalivedCheck, KeepalivedCheckContext(cluster: cluster, host: host), mode: 0o755)
                    try add(NodePaths.keepalivedUnit, .keepalivedService, KeepalivedServiceContext(vip: endpoint.vip?.description ?? ""))
                case .kubeVip:
                    // kube-vip elects its leader through the API before the VIP exists, so its
                    // kubeconfig (admin's identity) points at this host's own API server.
                    guard let admin = credentials.kubeconfigs["admin"] else {
                        throw RenderError.missingCredential(host: host.name, kubeconfig: "admin")
                    }
                    try add(KubeVIPPod.kubeconfigPath, .kubeconfig,
                            KubeconfigContext(clusterName: cluster.name, server: urls.local(host), credential: admin),
                            mode: 0o600, secret: true)
                    try add(NodePaths.manifest("kube-vip"), .staticPod, try KubeVIPPod.context(cluster: cluster, host: host), mode: 0o600)
                }
            }
        }

        if host.isEtcd {
            let state = options.etcdState(for: host.name)
            let flags = try EtcdMemberFlags.flags(cluster: cluster, host: host, state: state)
            switch cluster.etcd.deployment {
            case .host:
                try add(NodePaths.etcdEnvironment, .etcdEnvironment,
                        EtcdEnvironmentContext(memberName: host.name, state: state, flags: flags))
                try add(NodePaths.etcdUnit, .etcdService, EtcdServiceContext(memberName: host.name))
            case .staticPod:
                guard host.runsKubelet else {
                    throw RenderError.unsupported(
                        host: host.name, message: "etcd.deployment is static-pod but this dedicated etcd host runs no kubelet",
                        hint: "use etcd.deployment: host for external etcd topologies, or give the host the control-plane role")
                }
                try add(NodePaths.manifest("etcd"), .staticPod, EtcdPod.context(cluster: cluster, flags: flags), mode: 0o600)
            }
        }

        var apiLabels: [String: String] = [:]
        if host.runsKubelet {
            try add(NodePaths.kubeletConfig, .kubeletConfig, KubeletConfigContext(cluster: cluster, host: host))
            try add(NodePaths.kubeletUnit, .kubeletService, KubeletServiceContext())
            try add(NodePaths.kubeletDropIn, .kubeletDropIn, KubeletDropInContext(cluster: cluster, host: host))
            try add(NodePaths.containerdConfig, .containerdConfig, ContainerdConfigContext(cluster: cluster))
            try add(NodePaths.containerdUnit, .containerdService, ContainerdServiceContext())
            try add(NodePaths.sysctl, .sysctl, SysctlContext(cluster: cluster))
            try add(NodePaths.modulesLoad, .modulesLoad, ModulesLoadContext())
            apiLabels = KubeletLabelPolicy.split(cluster.nodeLabels(for: host)).api

            if endpoint.mode == .localProxy && !host.isControlPlane {
                let proxyConfig = LocalProxyConfigContext(cluster: cluster)
                let template: TemplateName = endpoint.proxy == .haproxy ? .haproxyConfig : .nginxConfig
                try add(LocalProxyPod.configPath(endpoint.proxy), template, proxyConfig)
                let pod = LocalProxyPod.context(cluster: cluster)
                try add(NodePaths.manifest(pod.name), .staticPod, pod, mode: 0o600)
            }
        }

        files.sort { $0.path < $1.path }
        return RenderedHost(host: host.name, files: files, labelsToApplyThroughAPI: apiLabels)
    }
}
