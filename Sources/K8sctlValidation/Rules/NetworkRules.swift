import K8sctlModel

/// Address ranges and addresses: overlaps, sizes and duplicates.
enum NetworkRules {
    static let all: [ValidationRule] = [
        podServiceOverlap, hostInClusterRange, serviceCIDRSize, nodeSubnets, vipPlacement, duplicateNames,
        duplicateAddresses,
    ]

    static let podServiceOverlap = ValidationRule(
        id: "K8S-NETWORK-001", category: .network, severity: .error,
        summary: "The pod CIDR and the service CIDR overlap.",
        explanation: """
        Pod addresses are routed by the CNI plugin, service addresses are rewritten by kube-proxy. \
        An address in both ranges is ambiguous: traffic to a pod may be captured as a service \
        address or the reverse.
        """,
        fix: "Choose disjoint ranges, e.g. podCIDR 10.244.0.0/16 and serviceCIDR 10.96.0.0/12.") { context in
        let network = context.desired.network
        guard network.podCIDR.overlaps(network.serviceCIDR) else { return [] }
        return [context.finding("podCIDR \(network.podCIDR) overlaps serviceCIDR \(network.serviceCIDR)",
                                at: "spec.network.podCIDR", subject: "network")]
    }

    static let hostInClusterRange = ValidationRule(
        id: "K8S-NETWORK-002", category: .network, severity: .error,
        summary: "A host address lies inside the pod or service CIDR.",
        explanation: """
        Nodes must be reachable outside the cluster's virtual ranges. A host address inside the \
        pod or service CIDR is shadowed by the routes and rules the CNI plugin and kube-proxy \
        install, cutting the node off from its peers.
        """,
        fix: "Move the cluster ranges away from the host network, or correct the host address.") { context in
        let network = context.desired.network
        var findings: [Diagnostic] = []
        for host in context.desired.hosts {
            var addresses: [(IPAddress, String)] = [(host.address, "address")]
            if let inner = host.internalAddress, inner != host.address { addresses.append((inner, "internalAddress")) }
            for (address, field) in addresses {
                for (range, name) in [(network.podCIDR, "podCIDR"), (network.serviceCIDR, "serviceCIDR")] where range.contains(address) {
                    findings.append(context.finding("host \(host.name) \(field) \(address) is inside \(name) \(range)",
                                                    at: host.path(field), subject: host.name))
                }
            }
        }
        return findings
    }

    static let serviceCIDRSize = ValidationRule(
        id: "K8S-NETWORK-003", category: .network, severity: .error,
        summary: "The service CIDR is too small, or larger than kube-apiserver accepts.",
        explanation: """
        The `kubernetes` Service takes the first address of the range and cluster DNS the tenth, \
        so the range needs at least 16 addresses. kube-apiserver refuses ranges with more than \
        2^20 addresses (an IPv4 mask shorter than /12, an IPv6 mask shorter than /108).
        """,
        fix: "Use a service CIDR between /12 and /28 for IPv4 (between /108 and /124 for IPv6); /12 to /20 is typical.") { context in
        let range = context.desired.network.serviceCIDR
        if range.hostBits < 4 {
            return [context.finding("serviceCIDR \(range) has \(range.size) addresses; at least 16 are needed (DNS is the 10th)",
                                    at: "spec.network.serviceCIDR", subject: "network")]
        }
        if range.hostBits > 20 {
            let minimum = range.isIPv4 ? 12 : 108
            return [context.finding("serviceCIDR \(range) is too large: kube-apiserver requires a mask of at least /\(minimum)",
                                    at: "spec.network.serviceCIDR", subject: "network")]
        }
        return []
    }

    static let nodeSubnets = ValidationRule(
        id: "K8S-NETWORK-004", category: .network, severity: .error,
        summary: "The node mask size leaves fewer pod subnets than nodes.",
        explanation: """
        The controller-manager gives each node a subnet of size nodeMaskSize out of podCIDR. When \
        the pod CIDR holds fewer such subnets than there are nodes, the extra nodes never get a pod \
        range and stay NotReady; a mask shorter than the pod CIDR's own is rejected outright.
        """,
        fix: "Enlarge spec.network.podCIDR or lengthen spec.network.nodeMaskSize (fewer pods per node).") { context in
        let network = context.desired.network
        let nodes = context.desired.kubeletHosts.count
        if network.nodeMaskSize < network.podCIDR.prefixLength || network.nodeMaskSize > network.podCIDR.addressBits {
            return [context.finding("nodeMaskSize /\(network.nodeMaskSize) does not fit in podCIDR \(network.podCIDR)",
                                    at: "spec.network.nodeMaskSize", subject: "network")]
        }
        guard UInt64(nodes) > network.nodeSubnetCount else { return [] }
        return [context.finding(
            "podCIDR \(network.podCIDR) holds \(network.nodeSubnetCount) node subnets of /\(network.nodeMaskSize), but \(nodes) hosts run a kubelet",
            at: "spec.network.nodeMaskSize", subject: "network")]
    }

    static let vipPlacement = ValidationRule(
        id: "K8S-NETWORK-005", category: .network, severity: .error,
        summary: "The API VIP lies inside the pod or service CIDR, or equals a host address.",
        explanation: """
        The VIP moves between control-plane hosts. Inside a cluster range it is shadowed by CNI \
        routes or kube-proxy rules; equal to a host's address it conflicts with that host (ARP \
        fights, the host answering for the API when it is down).
        """,
        fix: "Choose a free address on the hosts' network for spec.controlPlane.endpoint.vip.") { context in
        let cluster = context.desired
        guard cluster.controlPlane.endpoint.mode == .vip, let vip = cluster.controlPlane.endpoint.vip else { return [] }
        var findings: [Diagnostic] = []
        for (range, name) in [(cluster.network.podCIDR, "podCIDR"), (cluster.network.serviceCIDR, "serviceCIDR")] where range.contains(vip) {
            findings.append(context.finding("VIP \(vip) is inside \(name) \(range)", at: "spec.controlPlane.endpoint.vip", subject: "api-endpoint"))
        }
        for host in cluster.hosts where host.address == vip || host.internalAddress == vip {
            findings.append(context.finding("VIP \(vip) is the address of host \(host.name)", at: "spec.controlPlane.endpoint.vip",
                                            subject: "api-endpoint"))
        }
        return findings
    }

    static let duplicateNames = ValidationRule(
        id: "K8S-NETWORK-006", category: .network, severity: .error,
        summary: "Two hosts have the same name.",
        explanation: """
        The host name is the Kubernetes Node name and the etcd member name; two hosts with one \
        name would overwrite each other's Node object and etcd membership.
        """,
        fix: "Give every host a unique name.") { context in
        // Positions, not copies of each host (a retain per field), in a table sized once.
        let hosts = context.desired.hosts
        var firstByName: [String: Int] = [:]
        firstByName.reserveCapacity(hosts.count)
        var findings: [Diagnostic] = []
        for (index, host) in hosts.enumerated() {
            if let first = firstByName[host.name].map({ hosts[$0] }) {
                var finding = context.finding("host name \(host.name) is declared twice", at: host.path("name"), subject: host.name)
                finding.related.append(RelatedLocation(location: context.desired.location(of: first.path("name")), message: "first declared here"))
                findings.append(finding)
            } else {
                firstByName[host.name] = index
            }
        }
        return findings
    }

    static let duplicateAddresses = ValidationRule(
        id: "K8S-NETWORK-007", category: .network, severity: .error,
        summary: "Two hosts have the same address.",
        explanation: """
        k8sctl would install two hosts' configuration onto one machine, and components advertising \
        the same address would be indistinguishable to their peers.
        """,
        fix: "Give every host a unique address and internalAddress.") { context in
        let hosts = context.desired.hosts
        var firstByAddress: [IPAddress: (host: Int, field: String)] = [:]
        firstByAddress.reserveCapacity(2 * hosts.count)
        var findings: [Diagnostic] = []
        for (index, host) in hosts.enumerated() {
            var fields: [(IPAddress, String)] = [(host.address, "address")]
            if let inner = host.internalAddress, inner != host.address { fields.append((inner, "internalAddress")) }
            for (address, field) in fields {
                if let (firstIndex, firstField) = firstByAddress[address], case let first = hosts[firstIndex],
                   first.name != host.name || firstField != field {
                    var finding = context.finding("host \(host.name) \(field) \(address) is also used by \(first.name)",
                                                  at: host.path(field), subject: host.name)
                    finding.related.append(RelatedLocation(location: context.desired.location(of: first.path(firstField)),
                                                           message: "first used here"))
                    findings.append(finding)
                } else if firstByAddress[address] == nil {
                    firstByAddress[address] = (index, field)
                }
            }
        }
        return findings
    }
}
