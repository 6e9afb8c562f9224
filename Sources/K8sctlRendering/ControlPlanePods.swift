import K8sctlModel

/// The three control-plane static pods with kubeadm-equivalent flags. Defaults first, the
/// inventory's extraArgs merged last (see `FlagList`).
public enum ControlPlanePods {
    /// Host paths every control-plane component mounts read-only (the seed's "common practices":
    /// certificates and secrets come from the host, read only).
    static func caVolumes() -> [StaticPodContext.Volume] {
        [
            .init(name: "ca-certs", hostPath: "/etc/ssl/certs", mountPath: "/etc/ssl/certs", type: "DirectoryOrCreate", readOnly: true),
            .init(name: "etc-ca-certificates", hostPath: "/etc/ca-certificates", mountPath: "/etc/ca-certificates",
                  type: "DirectoryOrCreate", readOnly: true),
            .init(name: "k8s-certs", hostPath: NodePaths.pki, mountPath: NodePaths.pki, type: "DirectoryOrCreate", readOnly: true),
            .init(name: "usr-local-share-ca-certificates", hostPath: "/usr/local/share/ca-certificates",
                  mountPath: "/usr/local/share/ca-certificates", type: "DirectoryOrCreate", readOnly: true),
            .init(name: "usr-share-ca-certificates", hostPath: "/usr/share/ca-certificates",
                  mountPath: "/usr/share/ca-certificates", type: "DirectoryOrCreate", readOnly: true),
        ]
    }

    static func labels(_ component: String) -> [(String, String)] { [("component", component), ("tier", "control-plane")] }

    /// etcd client URLs for the API server: this host's member first when etcd is stacked on it,
    /// then the others in inventory order.
    public static func etcdServers(cluster: Cluster, host: Host) -> [String] {
        let members = cluster.etcdHosts
        let ordered = members.filter { $0.name == host.name } + members.filter { $0.name != host.name }
        return ordered.map { "https://" + $0.clusterAddress.hostPort(cluster.etcd.clientPort) }
    }

    public static func apiServerFlags(cluster: Cluster, host: Host) -> FlagList {
        let pki = NodePaths.pkiFile
        let endpoint = cluster.controlPlane.endpoint
        var flags = FlagList([
            "advertise-address": host.clusterAddress.description,
            "allow-privileged": "true",
            "authorization-mode": "Node,RBAC",
            "client-ca-file": pki("ca.crt"),
            "enable-admission-plugins": "NodeRestriction",
            "enable-bootstrap-token-auth": "true",
            "etcd-cafile": pki("etcd/ca.crt"),
            "etcd-certfile": pki("apiserver-etcd-client.crt"),
            "etcd-keyfile": pki("apiserver-etcd-client.key"),
            "etcd-servers": etcdServers(cluster: cluster, host: host).joined(separator: ","),
            "kubelet-client-certificate": pki("apiserver-kubelet-client.crt"),
            "kubelet-client-key": pki("apiserver-kubelet-client.key"),
            "kubelet-preferred-address-types": "InternalIP,ExternalIP,Hostname",
            "proxy-client-cert-file": pki("front-proxy-client.crt"),
            "proxy-client-key-file": pki("front-proxy-client.key"),
            "requestheader-allowed-names": "front-proxy-client",
            "requestheader-client-ca-file": pki("front-proxy-ca.crt"),
            "requestheader-extra-headers-prefix": "X-Remote-Extra-",
            "requestheader-group-headers": "X-Remote-Group",
            "requestheader-username-headers": "X-Remote-User",
            "secure-port": "\(endpoint.apiServerPort)",
            "service-account-issuer": "https://kubernetes.default.svc.\(cluster.network.dnsDomain)",
            "service-account-key-file": pki("sa.pub"),
            "service-account-signing-key-file": pki("sa.key"),
            "service-cluster-ip-range": cluster.network.serviceCIDR.description,
            "tls-cert-file": pki("apiserver.crt"),
            "tls-private-key-file": pki("apiserver.key"),
        ])
        // The API server's own count of peers keeps the `kubernetes` Service endpoints right with
        // the lease reconciler, which is the default; nothing to set.
        flags = flags.merging(extraArgs: cluster.controlPlane.extraArgs.apiserver)
        return flags
    }

    public static func apiServer(cluster: Cluster, host: Host) -> StaticPodContext {
        let port = cluster.controlPlane.endpoint.apiServerPort
        let address = host.clusterAddress.description
        return StaticPodContext(
            name: "kube-apiserver", image: ComponentImages.kubernetes("kube-apiserver", cluster: cluster),
            command: ["kube-apiserver"] + apiServerFlags(cluster: cluster, host: host).arguments,
            labels: labels("kube-apiserver"),
            annotations: [("kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint", host.clusterAddress.hostPort(port))],
            probes: StaticPodContext.kubeadmProbes(host: address, port: port, scheme: "HTTPS",
                                                   liveness: "/livez", readiness: "/readyz", startup: "/livez"),
            cpuRequest: "250m", volumes: caVolumes())
    }

    public static func leaderElectionFlags(_ settings: LeaderElection) -> [String: String] {
        [
            "leader-elect": "true",
            "leader-elect-lease-duration": settings.leaseDuration.text,
            "leader-elect-renew-deadline": settings.renewDeadline.text,
            "leader-elect-retry-period": settings.retryPeriod.text,
        ]
    }

    public static func controllerManagerFlags(cluster: Cluster) -> FlagList {
        let pki = NodePaths.pkiFile
        let kubeconfig = NodePaths.kubeconfig("controller-manager")
        var flags = FlagList([
            "allocate-node-cidrs": "true",
            "authentication-kubeconfig": kubeconfig,
            "authorization-kubeconfig": kubeconfig,
            "bind-address": "127.0.0.1",
            "client-ca-file": pki("ca.crt"),
            "cluster-cidr": cluster.network.podCIDR.description,
            "cluster-name": cluster.name,
            "cluster-signing-cert-file": pki("ca.crt"),
            "cluster-signing-key-file": pki("ca.key"),
            "controllers": "*,bootstrapsigner,tokencleaner",
            "kubeconfig": kubeconfig,
            "node-cidr-mask-size": "\(cluster.network.nodeMaskSize)",
            "requestheader-client-ca-file": pki("front-proxy-ca.crt"),
            "root-ca-file": pki("ca.crt"),
            "service-account-private-key-file": pki("sa.key"),
            "service-cluster-ip-range": cluster.network.serviceCIDR.description,
            "use-service-account-credentials": "true",
        ])
        for (name, value) in leaderElectionFlags(cluster.controlPlane.leaderElection) { flags[name] = value }
        return flags.merging(extraArgs: cluster.controlPlane.extraArgs.controllerManager)
    }

    public static func controllerManager(cluster: Cluster, host: Host) -> StaticPodContext {
        let kubeconfig = NodePaths.kubeconfig("controller-manager")
        return StaticPodContext(
            name: "kube-controller-manager", image: ComponentImages.kubernetes("kube-controller-manager", cluster: cluster),
            command: ["kube-controller-manager"] + controllerManagerFlags(cluster: cluster).arguments,
            labels: labels("kube-controller-manager"),
            probes: StaticPodContext.kubeadmProbes(host: "127.0.0.1", port: 10257, scheme: "HTTPS",
                                                   liveness: "/healthz", readiness: nil, startup: "/healthz"),
            cpuRequest: "200m",
            volumes: caVolumes() + [
                .init(name: "flexvolume-dir", hostPath: "/usr/libexec/kubernetes/kubelet-plugins/volume/exec",
                      mountPath: "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", type: "DirectoryOrCreate", readOnly: false),
                .init(name: "kubeconfig", hostPath: kubeconfig, mountPath: kubeconfig, type: "FileOrCreate", readOnly: true),
            ])
    }

    public static func schedulerFlags(cluster: Cluster) -> FlagList {
        let kubeconfig = NodePaths.kubeconfig("scheduler")
        var flags = FlagList([
            "authentication-kubeconfig": kubeconfig,
            "authorization-kubeconfig": kubeconfig,
            "bind-address": "127.0.0.1",
            "kubeconfig": kubeconfig,
        ])
        for (name, value) in leaderElectionFlags(cluster.controlPlane.leaderElection) { flags[name] = value }
        return flags.merging(extraArgs: cluster.controlPlane.extraArgs.scheduler)
    }

    public static func scheduler(cluster: Cluster, host: Host) -> StaticPodContext {
        let kubeconfig = NodePaths.kubeconfig("scheduler")
        return StaticPodContext(
            name: "kube-scheduler", image: ComponentImages.kubernetes("kube-scheduler", cluster: cluster),
            command: ["kube-scheduler"] + schedulerFlags(cluster: cluster).arguments,
            labels: labels("kube-scheduler"),
            probes: StaticPodContext.kubeadmProbes(host: "127.0.0.1", port: 10259, scheme: "HTTPS",
                                                   liveness: "/livez", readiness: "/readyz", startup: "/livez"),
            cpuRequest: "100m",
            volumes: [.init(name: "kubeconfig", hostPath: kubeconfig, mountPath: kubeconfig, type: "FileOrCreate", readOnly: true)])
    }
}
