import K8sctlModel

/// Kubespray's API endpoint variables → `spec.controlPlane.endpoint`: an external load balancer
/// (`loadbalancer_apiserver`), a kube-vip VIP, or the per-node local proxy Kubespray uses by default.
extension KubesprayImporter {
    func controlPlaneSettings(_ context: inout KubesprayImportContext) -> ControlPlaneSettings {
        var endpoint = APIEndpoint()
        if let port = context.clusterInt("kube_apiserver_port") {
            endpoint.apiServerPort = port.value
            context.record("spec.controlPlane.endpoint.apiServerPort", port.location)
        }
        let external = context.clusterValue("loadbalancer_apiserver")
        let localhost = context.clusterBool("loadbalancer_apiserver_localhost")
        let vipEnabled = context.clusterBool("kube_vip_enabled")
        if let external, let mapping = external.value.mappingValue {
            endpoint.mode = .external
            let address = mapping["address"]?.stringValue
            let port = mapping["port"]?.intValue ?? endpoint.apiServerPort
            if let address {
                endpoint.address = address.contains(":") && IPAddress(address) != nil ? "[\(address)]:\(port)" : "\(address):\(port)"
            } else {
                context.error("loadbalancer_apiserver has no address", at: external.location, hint: "loadbalancer_apiserver: { address: 1.2.3.4, port: 6443 }")
            }
            context.record("spec.controlPlane.endpoint.mode", external.location)
            context.record("spec.controlPlane.endpoint.address", external.location)
            if let dns = context.clusterString("apiserver_loadbalancer_domain_name") {
                endpoint.dnsName = dns.value
                context.record("spec.controlPlane.endpoint.dnsName", dns.location)
            }
            if localhost?.value == true {
                context.warn("both loadbalancer_apiserver and loadbalancer_apiserver_localhost are set; k8sctl uses the external load balancer for every client",
                             at: localhost?.location)
            }
        } else if let external {
            context.error("loadbalancer_apiserver must be a mapping with address and port, got \(external.value)", at: external.location)
        } else if vipEnabled?.value == true {
            endpoint.mode = .vip
            endpoint.vipManager = .kubeVip
            context.record("spec.controlPlane.endpoint.mode", vipEnabled?.location)
            if let address = context.clusterString("kube_vip_address") {
                if let vip = IPAddress(address.value) {
                    endpoint.vip = vip
                    context.record("spec.controlPlane.endpoint.vip", address.location)
                } else {
                    context.error("kube_vip_address '\(address.value)' is not an IP address", at: address.location)
                }
            } else {
                context.error("kube_vip_enabled is true but kube_vip_address is not set", at: vipEnabled?.location)
            }
            if let interface = context.clusterString("kube_vip_interface") {
                endpoint.interface = interface.value
                context.record("spec.controlPlane.endpoint.interface", interface.location)
            }
        } else if localhost?.value == false {
            // Kubespray then points every node at the first control-plane host: no failover.
            let first = context.clusterHosts.first { KubesprayGroups.roles(of: $0).contains(.controlPlane) }
            let address = first.flatMap { host in (host.variables["ip"] ?? host.variables["ansible_host"])?.stringValue } ?? first?.name ?? ""
            endpoint.mode = .external
            endpoint.address = "\(address):\(endpoint.apiServerPort)"
            context.record("spec.controlPlane.endpoint.mode", localhost?.location)
            context.warn("loadbalancer_apiserver_localhost is false and no load balancer is set: Kubespray points nodes at the first control-plane host; imported as external endpoint \(endpoint.address ?? "")",
                         at: localhost?.location, hint: "for failover use local-proxy (remove the setting) or a VIP")
        } else {
            endpoint.mode = .localProxy
            // Kubespray's default local load balancer is nginx.
            endpoint.proxy = .nginx
            if let localhost { context.record("spec.controlPlane.endpoint.mode", localhost.location) }
            if let kind = context.clusterString("loadbalancer_apiserver_type") {
                if let proxy = APIEndpoint.ProxyKind(rawValue: kind.value) {
                    endpoint.proxy = proxy
                    context.record("spec.controlPlane.endpoint.proxy", kind.location)
                } else {
                    context.error("loadbalancer_apiserver_type '\(kind.value)' is not nginx or haproxy", at: kind.location)
                }
            }
            if let port = context.clusterInt("loadbalancer_apiserver_port") {
                endpoint.proxyPort = port.value
                context.record("spec.controlPlane.endpoint.proxyPort", port.location)
            }
        }
        return ControlPlaneSettings(endpoint: endpoint)
    }
}
