/// What k8sctl does with each Kubespray variable it knows. Data, tested as data: every entry has a
/// reason, no variable is listed twice, and every `mapped` target is a native inventory path.
///
/// Variables not listed are Kubespray knobs k8sctl has no equivalent for; the importer counts them
/// in one note rather than warning about each (the upstream sample alone sets ~150).
struct KubesprayVariable: Sendable, Hashable {
    enum Disposition: Sendable, Hashable {
        /// Imported into this native inventory path.
        case mapped(to: String)
        /// Read by the importer to decide something (roles, endpoint mode), not copied as is.
        case consulted(for: String)
        /// k8sctl has no equivalent: a warning whenever the value asks for something k8sctl will
        /// not do, i.e. is anything but `matching` (what k8sctl does anyway; nil: always warn).
        case unsupported(matching: AnsibleValue?, reason: String)
        /// Ansible/Kubespray plumbing that has no meaning for k8sctl (paths on the control host,
        /// retry counts); dropped without a warning.
        case irrelevant(reason: String)
    }

    var name: String
    var disposition: Disposition
}

enum KubesprayVariableCatalog {
    static let entries: [KubesprayVariable] = [
        // Connection
        .init(name: "ansible_host", disposition: .mapped(to: "spec.hosts[].address")),
        .init(name: "ip", disposition: .mapped(to: "spec.hosts[].internalAddress")),
        .init(name: "access_ip", disposition: .consulted(for: "spec.hosts[].internalAddress when ip is unset")),
        .init(name: "ansible_user", disposition: .mapped(to: "spec.ssh.user")),
        .init(name: "ansible_port", disposition: .mapped(to: "spec.ssh.port")),
        .init(name: "ansible_ssh_port", disposition: .mapped(to: "spec.ssh.port")),
        .init(name: "ansible_ssh_private_key_file", disposition: .mapped(to: "spec.ssh.identityFile")),
        .init(name: "ansible_private_key_file", disposition: .mapped(to: "spec.ssh.identityFile")),
        .init(name: "ansible_become", disposition: .mapped(to: "spec.ssh.become")),
        .init(name: "ansible_become_method", disposition: .consulted(for: "spec.ssh.become (only sudo is supported)")),
        .init(name: "ansible_ssh_common_args", disposition: .unsupported(matching: nil,
              reason: "SSH options (often a ProxyCommand for the bastion) are not passed through; use spec.ssh.bastion")),
        .init(name: "ansible_connection", disposition: .unsupported(matching: .string("ssh"),
              reason: "k8sctl always connects over SSH")),
        .init(name: "ansible_python_interpreter", disposition: .irrelevant(reason: "k8sctl runs no Python on hosts")),
        .init(name: "etcd_member_name", disposition: .unsupported(matching: nil,
              reason: "k8sctl names each etcd member after its host")),
        // Kubernetes
        .init(name: "kube_version", disposition: .mapped(to: "spec.kubernetes.version")),
        .init(name: "kube_image_repo", disposition: .mapped(to: "spec.kubernetes.imageRepository")),
        .init(name: "cluster_name", disposition: .mapped(to: "metadata.name")),
        .init(name: "kubelet_max_pods", disposition: .mapped(to: "spec.kubelet.maxPods")),
        .init(name: "container_manager", disposition: .unsupported(matching: .string("containerd"),
              reason: "k8sctl installs containerd only")),
        .init(name: "kube_proxy_mode", disposition: .unsupported(matching: .string("iptables"),
              reason: "k8sctl has no kube-proxy mode setting (kube-proxy's own default is iptables)")),
        .init(name: "kube_network_plugin_multus", disposition: .unsupported(matching: .bool(false),
              reason: "Multus is not installed by k8sctl")),
        .init(name: "kube_encrypt_secret_data", disposition: .unsupported(matching: .bool(false),
              reason: "secret encryption at rest is not configured by k8sctl")),
        .init(name: "kubernetes_audit", disposition: .unsupported(matching: .bool(false),
              reason: "audit policy is not configured by k8sctl; use spec.controlPlane.extraArgs.apiserver")),
        .init(name: "auto_renew_certificates", disposition: .unsupported(matching: .bool(false),
              reason: "use spec.pki.renewBeforeDays: apply renews expiring certificates")),
        .init(name: "kube_proxy_strict_arp", disposition: .unsupported(matching: .bool(false),
              reason: "kube-proxy options are not configurable in k8sctl")),
        .init(name: "dns_mode", disposition: .unsupported(matching: .string("coredns"), reason: "k8sctl has no cluster DNS setting")),
        .init(name: "enable_nodelocaldns", disposition: .unsupported(matching: .bool(false),
              reason: "NodeLocal DNSCache is not deployed by k8sctl")),
        .init(name: "cloud_provider", disposition: .unsupported(matching: nil, reason: "cloud providers are not configured by k8sctl")),
        .init(name: "kube_network_plugin", disposition: .mapped(to: "spec.network.plugin")),
        // Networks
        .init(name: "kube_service_addresses", disposition: .mapped(to: "spec.network.serviceCIDR")),
        .init(name: "kube_pods_subnet", disposition: .mapped(to: "spec.network.podCIDR")),
        .init(name: "kube_network_node_prefix", disposition: .mapped(to: "spec.network.nodeMaskSize")),
        .init(name: "dns_domain", disposition: .mapped(to: "spec.network.dnsDomain")),
        .init(name: "enable_dual_stack_networks", disposition: .unsupported(matching: .bool(false),
              reason: "dual-stack networking is not supported by k8sctl")),
        .init(name: "ipv4_stack", disposition: .unsupported(matching: .bool(true), reason: "k8sctl imports the IPv4 networks")),
        .init(name: "ipv6_stack", disposition: .unsupported(matching: .bool(false),
              reason: "IPv6 networks are not supported by k8sctl")),
        // API endpoint
        .init(name: "loadbalancer_apiserver", disposition: .mapped(to: "spec.controlPlane.endpoint.address (mode external)")),
        .init(name: "apiserver_loadbalancer_domain_name", disposition: .mapped(to: "spec.controlPlane.endpoint.dnsName")),
        .init(name: "loadbalancer_apiserver_localhost", disposition: .consulted(for: "spec.controlPlane.endpoint.mode (local-proxy)")),
        .init(name: "loadbalancer_apiserver_type", disposition: .mapped(to: "spec.controlPlane.endpoint.proxy")),
        .init(name: "loadbalancer_apiserver_port", disposition: .mapped(to: "spec.controlPlane.endpoint.proxyPort")),
        .init(name: "loadbalancer_apiserver_healthcheck_port", disposition: .irrelevant(reason: "the local proxy's health port is fixed by k8sctl")),
        .init(name: "kube_apiserver_port", disposition: .mapped(to: "spec.controlPlane.endpoint.apiServerPort")),
        .init(name: "kube_vip_enabled", disposition: .consulted(for: "spec.controlPlane.endpoint.mode (vip, kube-vip)")),
        .init(name: "kube_vip_address", disposition: .mapped(to: "spec.controlPlane.endpoint.vip")),
        .init(name: "kube_vip_interface", disposition: .mapped(to: "spec.controlPlane.endpoint.interface")),
        .init(name: "kube_vip_controlplane_enabled", disposition: .consulted(for: "spec.controlPlane.endpoint.mode (vip)")),
        .init(name: "kube_vip_arp_enabled", disposition: .irrelevant(reason: "k8sctl's kube-vip announces the VIP with ARP")),
        // etcd
        .init(name: "etcd_deployment_type", disposition: .mapped(to: "spec.etcd.deployment")),
        .init(name: "etcd_data_dir", disposition: .mapped(to: "spec.etcd.dataDir")),
        .init(name: "etcd_version", disposition: .mapped(to: "spec.etcd.version")),
        .init(name: "etcd_kubeadm_enabled", disposition: .consulted(for: "spec.etcd.deployment (static-pod)")),
        // Nodes
        .init(name: "node_labels", disposition: .mapped(to: "spec.hosts[].labels")),
        .init(name: "node_taints", disposition: .mapped(to: "spec.hosts[].taints")),
        // Plumbing on the Ansible control host or Kubespray's own layout
        .init(name: "bin_dir", disposition: .irrelevant(reason: "k8sctl installs binaries to its fixed layout")),
        .init(name: "kube_config_dir", disposition: .irrelevant(reason: "k8sctl uses kubeadm's /etc/kubernetes layout")),
        .init(name: "kube_cert_dir", disposition: .irrelevant(reason: "k8sctl uses /etc/kubernetes/pki as kubeadm does")),
        .init(name: "kube_manifest_dir", disposition: .irrelevant(reason: "k8sctl uses /etc/kubernetes/manifests")),
        .init(name: "kube_script_dir", disposition: .irrelevant(reason: "k8sctl installs no helper scripts")),
        .init(name: "kube_token_dir", disposition: .irrelevant(reason: "k8sctl issues no static tokens")),
        .init(name: "local_release_dir", disposition: .irrelevant(reason: "artifacts come from spec.artifacts")),
        .init(name: "credentials_dir", disposition: .irrelevant(reason: "a path on the Ansible control host")),
        .init(name: "retry_stagger", disposition: .irrelevant(reason: "an Ansible retry setting")),
        .init(name: "unsafe_show_logs", disposition: .irrelevant(reason: "an Ansible logging setting")),
        .init(name: "kube_owner", disposition: .irrelevant(reason: "k8sctl's files are owned by root")),
        .init(name: "kube_cert_group", disposition: .irrelevant(reason: "k8sctl's files are owned by root")),
        .init(name: "kube_log_level", disposition: .irrelevant(reason: "component verbosity goes in extraArgs (v)")),
        .init(name: "kubeadm_certificate_key", disposition: .irrelevant(reason: "k8sctl distributes certificates itself, not through kubeadm")),
    ]

    static let byName: [String: KubesprayVariable] = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
}
