import Foundation
@testable import K8sctlInventory
import K8sctlModel
import K8sctlTestSupport
import Testing

/// Kubespray inventory → native cluster: groups to roles, variables to settings, losses warned.
@Suite struct AnsibleKubesprayImportTests {
    static let sample = RepositoryPaths.inventories.appendingPathComponent("kubespray/inventory.ini").path

    func importing(_ text: String, file: String = "inventory.ini") -> (Cluster?, [Diagnostic]) {
        let (inventory, diagnostics) = AnsibleInventory.load(text: text, file: file)
        guard let inventory else { return (nil, diagnostics) }
        let (cluster, more) = KubesprayImporter().importCluster(from: inventory)
        return (cluster, diagnostics + more)
    }

    static let minimal = """
        [kube_control_plane]
        cp1 ansible_host=10.0.0.1 ip=10.1.0.1
        [etcd:children]
        kube_control_plane
        [kube_node]
        w1 ansible_host=10.0.0.2
        [k8s_cluster:children]
        kube_control_plane
        kube_node
        [all:vars]
        kube_version=v1.31.4

        """

    @Test func kubespraySample_importsHostsRolesAndSettings() throws {
        let (imported, diagnostics) = KubesprayImporter().importCluster(path: Self.sample)
        let cluster = try #require(imported, "\(diagnostics.errors)")
        #expect(cluster.name == "cluster.local")
        #expect(cluster.kubernetes.version == SemanticVersion("1.31.4"))
        #expect(cluster.hosts.map(\.name) == ["node1", "node2", "node3", "node4", "node5", "node6", "node7"])
        #expect(cluster.host(named: "node1")?.roles == [.controlPlane, .etcd])
        #expect(cluster.host(named: "node1")?.address == IPAddress("95.54.0.12"))
        #expect(cluster.host(named: "node1")?.internalAddress == IPAddress("10.3.0.1"))
        #expect(cluster.host(named: "node5")?.address == IPAddress("95.54.0.16"), "from host_vars/node5.yml")
        #expect(cluster.host(named: "node5")?.ssh.user == "ubuntu")
        #expect(cluster.host(named: "node7")?.labels == ["tier": "web", "disk": "ssd"])
        #expect(cluster.host(named: "node7")?.taints == [Taint(key: "dedicated", value: "web", effect: .noSchedule)])
        #expect(cluster.network.serviceCIDR == CIDR("10.233.0.0/18"))
        #expect(cluster.network.podCIDR == CIDR("10.233.64.0/18"))
        #expect(cluster.network.dnsDomain == "cluster.local", "dns_domain is \"{{ cluster_name }}\", resolved")
        #expect(cluster.controlPlane.endpoint.mode == .localProxy)
        #expect(cluster.controlPlane.endpoint.proxy == .nginx, "Kubespray's default local load balancer")
        #expect(cluster.etcd.topology == .stacked)
        #expect(cluster.etcd.deployment == .host)
        #expect(cluster.ssh.user == "root")
        // Losses are warned, each at the line that set the value.
        let proxyMode = try #require(diagnostics.warnings.first { $0.message.hasPrefix("kube_proxy_mode") })
        #expect(proxyMode.location?.file.hasSuffix("group_vars/k8s_cluster/k8s-cluster.yml") == true)
        #expect(diagnostics.warnings.contains { $0.message.hasPrefix("etcd_member_name") })
    }

    @Test func importedCluster_writesNativeYAML_thatLoadsBackEqual() throws {
        let (imported, diagnostics) = KubesprayImporter().importCluster(path: Self.sample)
        var cluster = try #require(imported, "\(diagnostics.errors)")
        let yaml = NativeInventoryWriter().yaml(for: cluster)
        let reloaded = InventoryLoader().load(text: yaml, file: "cluster.yaml")
        var back = try #require(reloaded.cluster, "\(reloaded.diagnostics)\n\(yaml)")
        cluster.sourceMap = SourceMap(file: "")
        back.sourceMap = SourceMap(file: "")
        for index in cluster.hosts.indices { cluster.hosts[index].path = ""; back.hosts[index].path = "" }
        cluster.etcd.version = back.etcd.version  // the writer spells out the defaulted etcd version
        #expect(back == cluster)
    }

    @Test func sourceMap_pointsHostsAndSettingsAtTheirInventoryLines() throws {
        let (imported, _) = KubesprayImporter().importCluster(path: Self.sample)
        let cluster = try #require(imported)
        let node2 = cluster.location(of: "spec.hosts[1].address")
        #expect(node2.file.hasSuffix("kubespray/inventory.ini") && node2.line == 9)
        let podCIDR = cluster.location(of: "spec.network.podCIDR")
        #expect(podCIDR.file.hasSuffix("group_vars/k8s_cluster/k8s-cluster.yml"))
        #expect(cluster.host(named: "node2")?.path == "spec.hosts[1]")
    }

    @Test func unresolvableJinja_inAMappedVariable_isAnErrorAtItsPosition() {
        let (cluster, diagnostics) = importing(Self.minimal + "kube_pods_subnet={{ lookup('env', 'PODS') }}\n")
        #expect(cluster == nil)
        let error = diagnostics.errors.first
        #expect(error?.message.contains("kube_pods_subnet is a Jinja template") == true, "\(diagnostics)")
        #expect(error?.location == SourceLocation(file: "inventory.ini", line: 12, column: 1))
    }

    @Test func simpleJinjaReferences_areResolvedThroughOtherVariables() throws {
        let (imported, diagnostics) = importing(Self.minimal + "base='10.50'\nsvc={{ base }}.0.0/16\nkube_service_addresses={{ svc }}\n")
        let cluster = try #require(imported, "\(diagnostics)")
        #expect(cluster.network.serviceCIDR == CIDR("10.50.0.0/16"))
    }

    @Test func externalLoadBalancer_becomesAnExternalEndpoint() throws {
        let (imported, diagnostics) = importing(Self.minimal + "loadbalancer_apiserver={'address': '10.9.9.9', 'port': 8443}\napiserver_loadbalancer_domain_name=api.example.com\n")
        let endpoint = try #require(imported, "\(diagnostics)").controlPlane.endpoint
        #expect(endpoint.mode == .external)
        #expect(endpoint.address == "10.9.9.9:8443")
        #expect(endpoint.dnsName == "api.example.com")
    }

    @Test func kubeVIP_becomesAVIPEndpoint() throws {
        let (imported, diagnostics) = importing(Self.minimal + "kube_vip_enabled=true\nkube_vip_address=10.0.0.100\nkube_vip_interface=eth1\n")
        let endpoint = try #require(imported, "\(diagnostics)").controlPlane.endpoint
        #expect(endpoint.mode == .vip)
        #expect(endpoint.vipManager == .kubeVip)
        #expect(endpoint.vip == IPAddress("10.0.0.100"))
        #expect(endpoint.interface == "eth1")
    }

    @Test func localhostProxyType_andPort_areImported() throws {
        let (imported, _) = importing(Self.minimal + "loadbalancer_apiserver_localhost=true\nloadbalancer_apiserver_type=haproxy\nloadbalancer_apiserver_port=8383\n")
        let endpoint = try #require(imported).controlPlane.endpoint
        #expect(endpoint.mode == .localProxy)
        #expect(endpoint.proxy == .haproxy)
        #expect(endpoint.proxyPort == 8383)
    }

    @Test func noLocalProxy_andNoLoadBalancer_pointsAtTheFirstControlPlane_withAWarning() throws {
        let (imported, diagnostics) = importing(Self.minimal + "loadbalancer_apiserver_localhost=false\n")
        let endpoint = try #require(imported).controlPlane.endpoint
        #expect(endpoint.mode == .external)
        #expect(endpoint.address == "10.1.0.1:6443")
        #expect(diagnostics.warnings.contains { $0.message.contains("first control-plane host") })
    }

    @Test func dedicatedEtcdHosts_makeAnExternalTopology() throws {
        let text = """
            [kube_control_plane]
            cp1 ansible_host=10.0.0.1
            [etcd]
            e[1:3] ansible_host=10.0.0.5
            [kube_node]
            w1 ansible_host=10.0.0.2
            [all:vars]
            kube_version=1.31.4
            etcd_deployment_type=kubeadm
            etcd_data_dir=/data/etcd

            """
        let (imported, diagnostics) = importing(text)
        let cluster = try #require(imported, "\(diagnostics)")
        #expect(cluster.etcd.topology == .external)
        #expect(cluster.etcd.deployment == .staticPod)
        #expect(cluster.etcd.dataDir == "/data/etcd")
        #expect(cluster.etcdHosts.map(\.name) == ["e1", "e2", "e3"])
        #expect(cluster.host(named: "e1")?.roles == [.etcd])
    }

    @Test func bastionGroup_becomesTheSSHBastion_andCalicoRR_isWarned() throws {
        let (imported, diagnostics) = importing(Self.minimal + "[bastion]\njump ansible_host=203.0.113.5 ansible_user=jumper\n[calico_rr]\nrr1 ansible_host=10.0.0.9\n")
        let cluster = try #require(imported, "\(diagnostics)")
        #expect(cluster.ssh.bastion == Bastion(address: "203.0.113.5", port: 22, user: "jumper"))
        #expect(cluster.host(named: "jump") == nil)
        #expect(diagnostics.warnings.contains { $0.message.contains("calico_rr") && $0.location?.line == 14 })
        #expect(diagnostics.warnings.contains { $0.message.contains("host rr1 is in none of") })
    }

    @Test(arguments: [
        ("etcd_deployment_type=docker\n", "etcd_deployment_type 'docker'"),
        ("kube_network_plugin=weave\n", "kube_network_plugin 'weave'"),
        ("kube_proxy_mode=ipvs\n", "kube_proxy_mode"),
        ("container_manager=crio\n", "container_manager"),
        ("kube_service_addresses=10.233.0.0/18,fd85::/108\n", "lists several networks"),
    ])
    func informationLosingMappings_areWarnings(extra: String, warning: String) throws {
        let (imported, diagnostics) = importing(Self.minimal + extra)
        #expect(imported != nil, "\(diagnostics.errors)")
        #expect(diagnostics.warnings.contains { $0.message.contains(warning) }, "\(diagnostics)")
    }

    @Test(arguments: [
        ("kube_version=latest\n", "kube_version 'latest'"),
        ("kube_pods_subnet=10.233.64.0\n", "not a CIDR"),
        ("kube_network_node_prefix=big\n", "must be an integer"),
        ("loadbalancer_apiserver_type=traefik\n", "not nginx or haproxy"),
        ("[kube_node:vars]\nnode_taints=['broken']\n", "node taint"),
        ("[kube_node:vars]\nnode_labels={'bad key': 'x'}\n", "not a valid Kubernetes label"),
    ])
    func unmappableValues_areErrors(extra: String, error: String) {
        let (imported, diagnostics) = importing(Self.minimal + extra)
        #expect(imported == nil)
        #expect(diagnostics.errors.contains { $0.message.contains(error) }, "\(diagnostics)")
    }

    @Test func hostWithANameAddress_fallsBackToIP_withAWarning() throws {
        let text = Self.minimal.replacingOccurrences(of: "w1 ansible_host=10.0.0.2", with: "w1 ansible_host=w1.example.com ip=10.1.0.2")
        let (imported, diagnostics) = importing(text)
        #expect(try #require(imported).host(named: "w1")?.address == IPAddress("10.1.0.2"))
        #expect(diagnostics.warnings.contains { $0.message.contains("w1.example.com") })
    }

    @Test func missingKubeVersion_usesTheFallback_withAWarning() throws {
        let (imported, diagnostics) = importing(Self.minimal.replacingOccurrences(of: "kube_version=v1.31.4\n", with: ""))
        #expect(try #require(imported).kubernetes.version == KubesprayImporter().fallbackKubernetesVersion)
        #expect(diagnostics.warnings.contains { $0.message.contains("kube_version is not set") })
    }

    @Test func legacyGroupNames_areImportedWithAWarning() throws {
        let text = "[kube-master]\ncp1 ansible_host=10.0.0.1\n[etcd:children]\nkube-master\n[kube-node]\nw1 ansible_host=10.0.0.2\n[all:vars]\nkube_version=1.30.2\n"
        let (imported, diagnostics) = importing(text)
        let cluster = try #require(imported, "\(diagnostics)")
        #expect(cluster.host(named: "cp1")?.roles == [.controlPlane, .etcd])
        #expect(cluster.host(named: "w1")?.roles == [.worker])
        #expect(diagnostics.warnings.contains { $0.message.contains("'kube-master' is Kubespray's old name") })
    }

    @Test func inventoryWithoutKubesprayGroups_isRefused() {
        let (imported, diagnostics) = importing("[web]\nh1 ansible_host=10.0.0.1\n")
        #expect(imported == nil)
        #expect(diagnostics.errors.contains { $0.message.contains("nothing to import") })
    }

    @Test func kubesprayYAMLInventory_withGroupVars_imports() throws {
        let path = RepositoryPaths.fixtures.appendingPathComponent("ansible/kubespray-yaml/hosts.yaml").path
        let (imported, diagnostics) = KubesprayImporter().importCluster(path: path)
        let cluster = try #require(imported, "\(diagnostics.errors)")
        #expect(cluster.name == "lab.example")
        #expect(cluster.network.dnsDomain == "lab.example")
        #expect(cluster.network.plugin == "cilium")
        #expect(cluster.network.nodeMaskSize == 25)
        #expect(cluster.kubernetes.version == SemanticVersion("1.30.4"))
        #expect(cluster.controlPlane.endpoint.mode == .external)
        #expect(cluster.controlPlane.endpoint.address == "192.168.10.100:8443")
        #expect(cluster.controlPlane.endpoint.dnsName == "api.k8s.example.com")
        #expect(cluster.etcd.deployment == .staticPod)
        #expect(cluster.etcd.topology == .external, "node3 runs etcd without the control plane")
        #expect(cluster.ssh.user == "deploy")
        #expect(cluster.ssh.become == .sudo)
        #expect(cluster.ssh.identityFile == "~/.ssh/kubespray_ed25519")
        #expect(cluster.ssh.bastion?.address == "198.51.100.7")
        #expect(cluster.ssh.bastion?.user == "jump")
        #expect(cluster.host(named: "node4")?.labels == ["node-role.kubernetes.io/ingress": "", "zone": "a"])
        #expect(cluster.host(named: "bastion") == nil)
        let accessIP = try #require(diagnostics.warnings.first { $0.message.contains("access_ip 10.10.0.99") })
        #expect(accessIP.location == SourceLocation(file: path, line: 19, column: 18))
    }

    @Test func upstreamSampleCopy_importsWithWarnings_notErrors() throws {
        let path = RepositoryPaths.fixtures.appendingPathComponent("ansible/kubespray-sample/inventory.ini").path
        let (imported, diagnostics) = KubesprayImporter().importCluster(path: path)
        #expect(imported?.hosts.count == 6, "\(diagnostics.errors)")
        #expect(diagnostics.warnings.contains { $0.message.contains("kube_version is not set") })
    }
}

/// The variable and group catalogs are data; these are their invariants.
@Suite struct KubesprayCatalogTests {
    @Test func everyVariableIsListedOnce_withAReasonOrATarget() {
        let names = KubesprayVariableCatalog.entries.map(\.name)
        #expect(Set(names).count == names.count, "duplicates: \(names.filter { name in names.filter { $0 == name }.count > 1 })")
        for entry in KubesprayVariableCatalog.entries {
            switch entry.disposition {
            case .mapped(let target):
                #expect(target.hasPrefix("spec.") || target.hasPrefix("metadata."), "\(entry.name) → \(target)")
            case .consulted(let purpose):
                #expect(purpose.contains("spec."), "\(entry.name): \(purpose)")
            case .unsupported(_, let reason), .irrelevant(let reason):
                #expect(!reason.isEmpty && !reason.hasSuffix("."), "\(entry.name): \(reason)")
            }
        }
    }

    @Test func theIssuesVariables_areAllCatalogued() {
        let required = ["ansible_host", "ip", "access_ip", "ansible_user", "ansible_port", "ansible_ssh_private_key_file",
                        "ansible_become", "kube_version", "kube_service_addresses", "kube_pods_subnet",
                        "kube_network_node_prefix", "cluster_name", "dns_domain", "kube_network_plugin",
                        "loadbalancer_apiserver", "loadbalancer_apiserver_localhost", "loadbalancer_apiserver_type",
                        "kube_vip_enabled", "kube_vip_address", "etcd_deployment_type", "etcd_data_dir", "node_labels", "node_taints"]
        for name in required { #expect(KubesprayVariableCatalog.byName[name] != nil, "\(name) missing") }
    }

    @Test func everyRoleHasAGroup_andEveryLegacyNameMapsToACurrentOne() {
        for role in Role.allCases { #expect(KubesprayGroups.roles.contains { $0.role == role }, "\(role)") }
        let current = Set(KubesprayGroups.roles.map(\.group)).union(KubesprayGroups.cluster)
        for (legacy, modern) in KubesprayGroups.legacyNames {
            #expect(current.contains(modern), "\(legacy) → \(modern)")
        }
    }
}
