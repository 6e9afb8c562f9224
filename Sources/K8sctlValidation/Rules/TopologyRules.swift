import K8sctlModel

/// Which hosts hold which roles, and whether every node can reach the API.
enum TopologyRules {
    static let all: [ValidationRule] = [
        noControlPlane, noEtcd, evenEtcdMembers, tooManyEtcdMembers, haEndpoint, workerEndpoint, rolesChangedInPlace,
    ]

    static let noControlPlane = ValidationRule(
        id: "K8S-TOPOLOGY-001", category: .topology, severity: .error,
        summary: "The cluster has no control-plane host.",
        explanation: """
        Without a host holding the control-plane role there is no kube-apiserver, scheduler or \
        controller-manager: nothing can join, nothing gets scheduled.
        """,
        fix: "Add the control-plane role to at least one host (three for high availability).") { context in
        guard context.desired.controlPlaneHosts.isEmpty else { return [] }
        return [context.finding("no host has the control-plane role (\(context.desired.hosts.count) hosts declared)",
                                at: "spec.hosts", subject: "cluster")]
    }

    static let noEtcd = ValidationRule(
        id: "K8S-TOPOLOGY-002", category: .topology, severity: .error,
        summary: "The cluster has no etcd member.",
        explanation: """
        etcd holds every object of the cluster. The API servers cannot start without at least one \
        etcd member to talk to.
        """,
        fix: "Add the etcd role to one host, or to three or five for a fault-tolerant cluster.") { context in
        guard context.desired.etcdHosts.isEmpty else { return [] }
        return [context.finding("no host has the etcd role (\(context.desired.hosts.count) hosts declared)",
                                at: "spec.hosts", subject: "etcd")]
    }

    static let evenEtcdMembers = ValidationRule(
        id: "K8S-TOPOLOGY-003", category: .topology, severity: .warning,
        summary: "The number of etcd members is even.",
        explanation: """
        A majority of n members is ⌊n/2⌋+1, so an even membership tolerates no more failures than the \
        odd one below it (4 members tolerate 1 failure, like 3) while adding a member that must \
        acknowledge every write and one more machine that can fail.
        """,
        fix: "Use an odd number of etcd members: 1, 3, 5 or 7.") { context in
        let members = context.desired.etcdHosts
        guard !members.isEmpty, members.count % 2 == 0 else { return [] }
        let n = members.count
        let tolerance = QuorumArithmetic.failureTolerance(of: n)
        return [context.finding(
            "\(n) etcd members need \(QuorumArithmetic.majority(of: n)) for a majority and tolerate \(tolerance) "
                + "failure\(tolerance == 1 ? "" : "s"): no more than \(n - 1) member\(n - 1 == 1 ? "" : "s") would",
            at: members[members.count - 1].path("roles"), subject: "etcd")]
    }

    static let tooManyEtcdMembers = ValidationRule(
        id: "K8S-TOPOLOGY-004", category: .topology, severity: .warning,
        summary: "More than 7 etcd members.",
        explanation: """
        Every write waits for a majority of members. Past 7 members, writes slow down with each \
        member while the failure tolerance grows by one per two members; etcd's own guidance is \
        to run 3, 5 or 7 members.
        """,
        fix: "Keep 3, 5 or 7 hosts with the etcd role; the others can be workers or control-plane hosts without etcd.") { context in
        let members = context.desired.etcdHosts
        guard members.count > 7 else { return [] }
        return [context.finding("\(members.count) etcd members: writes wait for \(QuorumArithmetic.majority(of: members.count)) acknowledgements",
                                at: members[7].path("roles"), subject: "etcd")]
    }

    static let haEndpoint = ValidationRule(
        id: "K8S-TOPOLOGY-005", category: .topology, severity: .error,
        summary: "Several control-plane hosts but no highly available API endpoint.",
        explanation: """
        With more than one API server, clients must reach whichever is alive: a VIP held by the \
        control-plane hosts, a local proxy on every node balancing over all API servers, or the \
        user's load balancer. A `vip` endpoint without an address or an `external` endpoint \
        without a load balancer address leaves every kubeconfig pointing at one host, which is a \
        single point of failure.
        """,
        fix: "Set spec.controlPlane.endpoint.vip (mode vip), spec.controlPlane.endpoint.address (mode external), or use mode local-proxy.") { context in
        let cluster = context.desired
        guard cluster.controlPlaneHosts.count > 1 else { return [] }
        return endpointProblems(cluster.controlPlane.endpoint).map { problem in
            context.finding("\(cluster.controlPlaneHosts.count) control-plane hosts, but \(problem.message)",
                            at: problem.path, subject: "api-endpoint")
        }
    }

    static let workerEndpoint = ValidationRule(
        id: "K8S-TOPOLOGY-006", category: .topology, severity: .error,
        summary: "A worker cannot reach any API endpoint.",
        explanation: """
        Every kubelet needs an API endpoint: the local proxy on the node, the VIP, or the load \
        balancer. An endpoint mode without its address, or a VIP of another address family than \
        the worker's cluster address, leaves the worker unable to register.
        """,
        fix: "Configure the endpoint for the chosen mode, and use a VIP of the same address family as the hosts.") { context in
        let cluster = context.desired
        let endpoint = cluster.controlPlane.endpoint
        // Counted, not copied out: a `Host` copy retains every field, for thousands of workers.
        let workerCount = cluster.hosts.reduce(0) { $0 + ($1.isWorker && !$1.isControlPlane ? 1 : 0) }
        guard workerCount > 0 else { return [] }
        var findings = endpointProblems(endpoint).map { problem in
            context.finding("\(workerCount) worker\(workerCount == 1 ? "" : "s") cannot reach the API: \(problem.message)",
                            at: problem.path, subject: "api-endpoint")
        }
        if endpoint.mode == .vip, let vip = endpoint.vip {
            for worker in cluster.hosts where worker.isWorker && !worker.isControlPlane && worker.clusterAddress.isIPv4 != vip.isIPv4 {
                findings.append(context.finding(
                    "worker \(worker.name) (\(worker.clusterAddress)) cannot reach VIP \(vip): different address family",
                    at: worker.path("address"), subject: worker.name))
            }
        }
        if endpoint.mode == .localProxy && cluster.controlPlaneHosts.isEmpty {
            findings.append(context.finding("the local proxy on \(workerCount) worker\(workerCount == 1 ? "" : "s") has no API server to forward to",
                                            at: "spec.controlPlane.endpoint.mode", subject: "api-endpoint"))
        }
        return findings
    }

    static let rolesChangedInPlace = ValidationRule(
        id: "K8S-TOPOLOGY-007", category: .topology, severity: .error,
        summary: "A host changes roles in place.",
        explanation: """
        k8sctl gives a host its roles by installing it and takes them away by decommissioning it \
        (drain, etcd member removal, services stopped, data moved aside); it does not convert a \
        running host from one set of roles to another. A host that keeps its name but gains or \
        loses a role (a worker becoming a control plane, a control-plane and etcd host becoming a \
        worker) would be refused by apply at planning, before anything is touched; this rule says \
        so where the change is reviewed.
        """,
        fix: "Remove the host from the inventory and apply; then add it back with its new roles and apply again.",
        needsPrevious: true) { context in
        guard let previous = context.previous else { return [] }
        // By name once, not a scan per host: inventories reach thousands of hosts.
        let before = Dictionary(previous.hosts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func list(_ roles: Set<Role>) -> String { roles.sorted().map(\.rawValue).joined(separator: ", ") }
        return context.desired.hosts.compactMap { host in
            guard let old = before[host.name], old.roles != host.roles else { return nil }
            return context.finding("host \(host.name) changes roles in place: [\(list(old.roles))] → [\(list(host.roles))]",
                                   at: host.path("roles"), subject: host.name, previousPath: old.path("roles"),
                                   previousNote: "roles applied last",
                                   hint: "remove \(host.name) from the inventory and apply (it is decommissioned, its data moved aside); "
                                       + "then add it back with roles [\(list(host.roles))] and apply again")
        }
    }

    struct EndpointProblem { var message: String; var path: String }

    /// What is missing from the endpoint for its mode.
    static func endpointProblems(_ endpoint: APIEndpoint) -> [EndpointProblem] {
        switch endpoint.mode {
        case .vip where endpoint.vip == nil:
            return [EndpointProblem(message: "endpoint mode is vip and no vip address is set",
                                    path: "spec.controlPlane.endpoint.mode")]
        case .external where (endpoint.address ?? "").isEmpty:
            return [EndpointProblem(message: "endpoint mode is external and no load balancer address is set",
                                    path: "spec.controlPlane.endpoint.mode")]
        default:
            return []
        }
    }
}
