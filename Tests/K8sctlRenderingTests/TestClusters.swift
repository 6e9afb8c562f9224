import K8sctlModel

/// Inventories built in code for rendering tests, one per API endpoint mode and etcd layout.
enum TestClusters {
    static func host(_ name: String, _ address: String, _ roles: Set<Role>, pool: String? = nil) -> Host {
        Host(name: name, address: IPAddress(address)!, roles: roles, pool: pool)
    }

    static let pools = [
        NodePool(name: "general", labels: ["example.com/tier": "general", "node.kubernetes.io/instance-type": "m5.large"],
                 zone: "zone-a"),
        NodePool(name: "gpu", labels: ["example.com/accelerator": "gpu"],
                 taints: [Taint(key: "example.com/gpu", value: "true", effect: .noSchedule)], zone: "zone-b"),
    ]

    /// Three stacked control-plane/etcd hosts and three workers in two pools.
    static func highlyAvailable(mode: APIEndpoint.Mode = .localProxy, proxy: APIEndpoint.ProxyKind = .haproxy,
                                vipManager: APIEndpoint.VIPManager = .keepalived,
                                etcdDeployment: EtcdSettings.Deployment = .host,
                                version: String = "1.31.4") -> Cluster {
        var endpoint = APIEndpoint(mode: mode, vipManager: vipManager, proxy: proxy)
        switch mode {
        case .vip:
            endpoint.vip = IPAddress("10.0.0.100")
            endpoint.interface = "eth0"
        case .external:
            endpoint.address = "lb.example.com:443"
        case .localProxy:
            break
        }
        return Cluster(
            name: "prod-1", kubernetes: KubernetesSettings(version: SemanticVersion(version)!),
            controlPlane: ControlPlaneSettings(
                endpoint: endpoint,
                leaderElection: LeaderElection(leaseDuration: TimeSpan("30s")!, renewDeadline: TimeSpan("20s")!,
                                               retryPeriod: TimeSpan("4s")!),
                extraArgs: ControlPlaneExtraArgs(apiserver: ["audit-log-maxage": "30", "--secure-port": "6443"],
                                                 controllerManager: ["node-monitor-grace-period": "50s"],
                                                 scheduler: ["v": "2"])),
            etcd: EtcdSettings(deployment: etcdDeployment, dataDir: "/var/lib/etcd"),
            nodePools: pools,
            hosts: [
                host("cp-1", "10.0.0.11", [.controlPlane, .etcd]),
                host("cp-2", "10.0.0.12", [.controlPlane, .etcd]),
                host("cp-3", "10.0.0.13", [.controlPlane, .etcd]),
                host("worker-1", "10.0.1.21", [.worker], pool: "general"),
                host("worker-2", "10.0.1.22", [.worker], pool: "general"),
                host("gpu-1", "10.0.2.31", [.worker], pool: "gpu"),
            ])
    }

    /// One host with every role.
    static func singleNode(version: String = "1.31.4") -> Cluster {
        Cluster(name: "dev", kubernetes: KubernetesSettings(version: SemanticVersion(version)!),
                hosts: [host("solo", "192.168.50.10", [.controlPlane, .etcd, .worker])])
    }

    /// Dedicated etcd hosts (external topology), control plane behind a user's load balancer.
    static func externalEtcd() -> Cluster {
        Cluster(name: "big", kubernetes: KubernetesSettings(version: SemanticVersion("1.30.8")!),
                controlPlane: ControlPlaneSettings(endpoint: APIEndpoint(mode: .external, address: "10.9.0.1:6443")),
                etcd: EtcdSettings(topology: .external, dataDir: "/data/etcd"),
                hosts: [
                    host("etcd-1", "10.1.0.1", [.etcd]), host("etcd-2", "10.1.0.2", [.etcd]), host("etcd-3", "10.1.0.3", [.etcd]),
                    host("cp-1", "10.2.0.1", [.controlPlane]), host("cp-2", "10.2.0.2", [.controlPlane]),
                    host("w-1", "10.3.0.1", [.worker]),
                ])
    }

    /// Every variant the oracle tests run the real tools on.
    static var all: [(String, Cluster)] {
        [
            ("ha-local-proxy-haproxy", highlyAvailable()),
            ("ha-local-proxy-nginx", highlyAvailable(proxy: .nginx)),
            ("ha-vip-keepalived", highlyAvailable(mode: .vip)),
            ("ha-vip-kube-vip", highlyAvailable(mode: .vip, vipManager: .kubeVip, etcdDeployment: .staticPod)),
            ("ha-external", highlyAvailable(mode: .external, version: "1.29.10")),
            ("single-node", singleNode()),
            ("external-etcd", externalEtcd()),
        ]
    }
}
