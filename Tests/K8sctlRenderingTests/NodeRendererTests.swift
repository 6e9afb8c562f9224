import Foundation
import Testing
import Yams
import K8sctlModel
@testable import K8sctlRendering

@Suite struct NodeRendererTests {
    func rendered(_ cluster: Cluster, options: RenderOptions = RenderOptions()) throws -> [String: RenderedHost] {
        Dictionary(uniqueKeysWithValues: try RenderFixtures.render(cluster, options: options).map { ($0.host, $0) })
    }

    /// A rendered YAML file as a dictionary.
    func yaml(_ host: RenderedHost, _ path: String) throws -> [String: Any] {
        let text = try #require(host.text(path), "\(host.host) has no \(path)")
        let object = try Yams.load(yaml: text)
        return try #require(object as? [String: Any])
    }

    /// The container command of a rendered static pod manifest.
    func command(_ host: RenderedHost, _ pod: String) throws -> [String] {
        let object = try yaml(host, NodePaths.manifest(pod))
        let spec = try #require(object["spec"] as? [String: Any])
        let container = try #require((spec["containers"] as? [[String: Any]])?.first)
        return try #require(container["command"] as? [String])
    }

    @Test func controlPlaneHost_getsThreeStaticPods_fiveKubeconfigs_etcdUnit_andNoLocalProxy() throws {
        let hosts = try rendered(TestClusters.highlyAvailable())
        let paths = Set(try #require(hosts["cp-1"]).files.map(\.path))
        for expected in ["/etc/kubernetes/manifests/kube-apiserver.yaml", "/etc/kubernetes/manifests/kube-controller-manager.yaml",
                         "/etc/kubernetes/manifests/kube-scheduler.yaml", "/etc/kubernetes/admin.conf",
                         "/etc/kubernetes/super-admin.conf", "/etc/kubernetes/controller-manager.conf",
                         "/etc/kubernetes/scheduler.conf", "/etc/kubernetes/kubelet.conf", "/etc/systemd/system/etcd.service",
                         "/etc/etcd/etcd.env", "/var/lib/kubelet/config.yaml", "/etc/systemd/system/kubelet.service",
                         "/etc/systemd/system/kubelet.service.d/10-k8sctl.conf", "/etc/containerd/config.toml",
                         "/etc/systemd/system/containerd.service", "/etc/sysctl.d/99-kubernetes.conf", "/etc/modules-load.d/k8s.conf"] {
            #expect(paths.contains(expected), "cp-1 lacks \(expected)")
        }
        #expect(!paths.contains("/etc/haproxy/haproxy.cfg"))
        #expect(!paths.contains { $0.contains("apiserver-proxy") })
    }

    @Test func workerInLocalProxyMode_getsProxyPodAndConfig_andOnlyTheKubeletKubeconfig() throws {
        let worker = try #require(try rendered(TestClusters.highlyAvailable())["worker-1"])
        let paths = Set(worker.files.map(\.path))
        #expect(paths.contains("/etc/kubernetes/manifests/haproxy-apiserver-proxy.yaml"))
        #expect(paths.contains("/etc/haproxy/haproxy.cfg"))
        #expect(!paths.contains("/etc/kubernetes/admin.conf"))
        #expect(!paths.contains { $0.hasPrefix("/etc/kubernetes/manifests/kube-") })
        let config = try #require(worker.text("/etc/haproxy/haproxy.cfg"))
        for backend in ["server cp-1 10.0.0.11:6443 check", "server cp-2 10.0.0.12:6443 check", "server cp-3 10.0.0.13:6443 check"] {
            #expect(config.contains(backend))
        }
        #expect(config.contains("option httpchk GET /readyz"))
        #expect(config.contains("bind 127.0.0.1:6443"))
    }

    @Test func nginxProxy_isRenderedWhenTheInventoryAsksForIt() throws {
        let worker = try #require(try rendered(TestClusters.highlyAvailable(proxy: .nginx))["worker-1"])
        #expect(worker.file(at: "/etc/kubernetes/manifests/nginx-apiserver-proxy.yaml") != nil)
        let config = try #require(worker.text("/etc/nginx/nginx.conf"))
        #expect(config.contains("server 10.0.0.12:6443 max_fails=2"))
    }

    @Test(arguments: [
        (APIEndpoint.Mode.localProxy, "https://127.0.0.1:6443"),
        (.vip, "https://10.0.0.100:6443"),
        (.external, "https://lb.example.com:443"),
    ])
    func kubeletKubeconfigServer_followsTheEndpointMode(mode: APIEndpoint.Mode, server: String) throws {
        let hosts = try rendered(TestClusters.highlyAvailable(mode: mode))
        let worker = try #require(hosts["worker-1"]?.text("/etc/kubernetes/kubelet.conf"))
        #expect(worker.contains("server: \"\(server)\""))
        // Control-plane components and control-plane kubelets use their own API server.
        for name in ["controller-manager", "scheduler", "kubelet"] {
            let text = try #require(hosts["cp-2"]?.text("/etc/kubernetes/\(name).conf"))
            #expect(text.contains("server: \"https://10.0.0.12:6443\""), "\(name).conf on cp-2")
        }
    }

    @Test func vipWithKeepalived_rendersConfigCheckAndUnit_onControlPlaneHostsOnly() throws {
        let hosts = try rendered(TestClusters.highlyAvailable(mode: .vip))
        let config = try #require(hosts["cp-1"]?.text(NodePaths.keepalivedConfig))
        #expect(config.contains("10.0.0.100"))
        #expect(config.contains("interface eth0"))
        #expect(config.contains("unicast_src_ip 10.0.0.11"))
        #expect(hosts["cp-1"]?.file(at: NodePaths.keepalivedCheck)?.mode == 0o755)
        #expect(hosts["worker-1"]?.file(at: NodePaths.keepalivedConfig) == nil)
        #expect(hosts["worker-1"]?.files.contains { $0.path.contains("apiserver-proxy") } == false)
    }

    @Test func externalMode_rendersNeitherProxyNorVIPManager() throws {
        let hosts = try rendered(TestClusters.highlyAvailable(mode: .external))
        for host in hosts.values {
            #expect(!host.files.contains { $0.path.contains("keepalived") || $0.path.contains("apiserver-proxy") || $0.path.contains("kube-vip") })
        }
    }

    @Test func controllerManagerAndScheduler_electLeaders_withTheInventoryTimings() throws {
        let cp = try #require(try rendered(TestClusters.highlyAvailable())["cp-1"])
        for pod in ["kube-controller-manager", "kube-scheduler"] {
            let flags = try command(cp, pod)
            #expect(flags.contains("--leader-elect=true"))
            #expect(flags.contains("--leader-elect-lease-duration=30s"))
            #expect(flags.contains("--leader-elect-renew-deadline=20s"))
            #expect(flags.contains("--leader-elect-retry-period=4s"))
            let names = flags.dropFirst().map { $0.split(separator: "=", maxSplits: 1)[0] }
            #expect(names == names.sorted(), "\(pod) flags are sorted by name")
        }
    }

    @Test func apiServer_listsEveryEtcdMember_localFirst_andMergesExtraArgsLast() throws {
        let cp = try #require(try rendered(TestClusters.highlyAvailable())["cp-2"])
        let flags = try command(cp, "kube-apiserver")
        #expect(flags.contains("--etcd-servers=https://10.0.0.12:2379,https://10.0.0.11:2379,https://10.0.0.13:2379"))
        #expect(flags.contains("--audit-log-maxage=30"))
        #expect(flags.contains("--advertise-address=10.0.0.12"))
        #expect(flags.filter { $0.hasPrefix("--secure-port=") } == ["--secure-port=6443"])
        #expect(flags.contains("--service-account-issuer=https://kubernetes.default.svc.cluster.local"))
    }

    @Test func pkiHostPaths_areMountedReadOnly() throws {
        let cp = try #require(try rendered(TestClusters.highlyAvailable())["cp-1"])
        for pod in ["kube-apiserver", "kube-controller-manager"] {
            let object = try yaml(cp, NodePaths.manifest(pod))
            let container = try #require(((object["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first)
            let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
            let pki = try #require(mounts.first { $0["mountPath"] as? String == "/etc/kubernetes/pki" })
            #expect(pki["readOnly"] as? Bool == true)
        }
    }

    @Test func kubelet_registersWithPoolLabelsZoneAndTaints_andLeavesRoleLabelsToTheAPI() throws {
        let hosts = try rendered(TestClusters.highlyAvailable())
        let gpu = try #require(hosts["gpu-1"])
        let dropIn = try #require(gpu.text(NodePaths.kubeletDropIn))
        #expect(dropIn.contains("--node-labels=example.com/accelerator=gpu,topology.kubernetes.io/zone=zone-b"))
        #expect(dropIn.contains("--hostname-override=gpu-1"))
        let config = try yaml(gpu, NodePaths.kubeletConfig)
        let taints = try #require(config["registerWithTaints"] as? [[String: Any]])
        #expect(taints.count == 1)
        #expect(taints.first?["key"] as? String == "example.com/gpu")
        #expect(taints.first?["effect"] as? String == "NoSchedule")
        #expect(config["rotateCertificates"] as? Bool == false)
        #expect(config["clusterDNS"] as? [String] == ["10.96.0.10"])

        let cp = try #require(hosts["cp-1"])
        #expect(cp.text(NodePaths.kubeletDropIn)?.contains("node-role.kubernetes.io") == false)
        #expect(cp.labelsToApplyThroughAPI == ["node-role.kubernetes.io/control-plane": ""])
        let cpConfig = try yaml(cp, NodePaths.kubeletConfig)
        #expect((cpConfig["registerWithTaints"] as? [[String: Any]])?.first?["key"] as? String == "node-role.kubernetes.io/control-plane")
    }

    @Test func etcdEnvironment_bootstrapsNewClusterFromAllMembers() throws {
        let env = try #require(try rendered(TestClusters.highlyAvailable())["cp-3"]?.text(NodePaths.etcdEnvironment))
        #expect(env.contains("ETCD_INITIAL_CLUSTER=cp-1=https://10.0.0.11:2380,cp-2=https://10.0.0.12:2380,cp-3=https://10.0.0.13:2380\n"))
        #expect(env.contains("ETCD_INITIAL_CLUSTER_STATE=new\n"))
        #expect(env.contains("ETCD_NAME=cp-3\n"))
        #expect(env.contains("ETCD_DATA_DIR=/var/lib/etcd\n"))
        #expect(env.contains("ETCD_CLIENT_CERT_AUTH=true\n"))
        #expect(env.contains("ETCD_PEER_CLIENT_CERT_AUTH=true\n"))
    }

    @Test func joiningEtcdMember_usesExistingState_andTheMembersItJoins() throws {
        let options = RenderOptions(etcdStates: ["cp-3": .existing(memberNames: ["cp-1", "cp-3"])])
        let hosts = try rendered(TestClusters.highlyAvailable(), options: options)
        let env = try #require(hosts["cp-3"]?.text(NodePaths.etcdEnvironment))
        #expect(env.contains("ETCD_INITIAL_CLUSTER_STATE=existing\n"))
        #expect(env.contains("ETCD_INITIAL_CLUSTER=cp-1=https://10.0.0.11:2380,cp-3=https://10.0.0.13:2380\n"))
        #expect(hosts["cp-1"]?.text(NodePaths.etcdEnvironment)?.contains("ETCD_INITIAL_CLUSTER_STATE=new") == true)
    }

    @Test func etcdAsStaticPod_replacesTheUnit() throws {
        let cp = try #require(try rendered(TestClusters.highlyAvailable(mode: .vip, vipManager: .kubeVip, etcdDeployment: .staticPod))["cp-1"])
        #expect(cp.file(at: NodePaths.etcdUnit) == nil)
        let flags = try command(cp, "etcd")
        #expect(flags.first == "etcd")
        #expect(flags.contains("--initial-cluster-state=new"))
        #expect(cp.file(at: NodePaths.manifest("kube-vip")) != nil)
        let kubeVIPConfig = try #require(cp.text(KubeVIPPod.kubeconfigPath))
        #expect(kubeVIPConfig.contains("server: \"https://10.0.0.11:6443\""))
    }

    @Test func dedicatedEtcdHost_getsOnlyEtcdFiles() throws {
        let etcd = try #require(try rendered(TestClusters.externalEtcd())["etcd-2"])
        let rendered = etcd.files.filter { $0.origin.hasPrefix("template:") }.map(\.path)
        #expect(Set(rendered) == [NodePaths.etcdEnvironment, NodePaths.etcdUnit])
        #expect(!etcd.files.contains { $0.path.hasPrefix("/etc/kubernetes/") && !$0.path.hasPrefix(NodePaths.etcdPKI) })
        #expect(etcd.text(NodePaths.etcdEnvironment)?.contains("ETCD_DATA_DIR=/data/etcd\n") == true)
    }

    @Test func secrets_areMode0600AndMarkedSecret() throws {
        let cp = try #require(try rendered(TestClusters.highlyAvailable())["cp-1"])
        for name in ["admin", "super-admin", "controller-manager", "scheduler", "kubelet"] {
            let file = try #require(cp.file(at: NodePaths.kubeconfig(name)))
            #expect(file.mode == 0o600)
            #expect(file.isSecret)
        }
    }

    @Test func missingCredential_isAnErrorNamingHostAndKubeconfig() throws {
        let cluster = TestClusters.singleNode()
        #expect(throws: RenderError.missingCredential(host: "solo", kubeconfig: "admin")) {
            _ = try NodeRenderer(library: RenderFixtures.library).render(cluster: cluster, host: cluster.hosts[0],
                                                                         credentials: HostCredentials(host: "solo"))
        }
    }

    @Test func vipModeWithoutAddress_isRefusedWithAHint() throws {
        var cluster = TestClusters.highlyAvailable(mode: .vip)
        cluster.controlPlane.endpoint.vip = nil
        #expect(throws: RenderError.self) { _ = try RenderFixtures.render(cluster) }
    }

    @Test func rendering_isDeterministic() throws {
        for (name, cluster) in TestClusters.all {
            let credentials = try RenderFixtures.credentials(for: cluster)
            let first = try RenderFixtures.render(cluster, credentials: credentials)
            let second = try RenderFixtures.render(cluster, credentials: credentials)
            #expect(first == second, "\(name)")
            #expect(first.flatMap(\.files).map(\.content) == second.flatMap(\.files).map(\.content), "\(name)")
        }
    }

    @Test func pkiFiles_arePassedThroughUnchanged() throws {
        let cluster = TestClusters.singleNode()
        let host = cluster.hosts[0]
        let credentials = try #require(try RenderFixtures.credentials(for: cluster)[host.name])
        let rendered = try NodeRenderer(library: RenderFixtures.library).render(cluster: cluster, host: host, credentials: credentials)
        for file in credentials.files { #expect(rendered.file(at: file.path) == file) }
    }
}
