import K8sctlModel

/// Changes to an existing cluster that destroy, orphan or silently re-create its state.
enum DataLossRules {
    static let all: [ValidationRule] = [
        everyEtcdMemberRemoved, dataDirChanged, clusterNameChanged, serviceCIDRChanged, dnsDomainChanged,
        everyControlPlaneRemoved, addressChangedWithoutReplacement, criticalHostRemoved, clusterCAReissued,
    ]

    static let everyEtcdMemberRemoved = ValidationRule(
        id: "K8S-DATALOSS-001", category: .dataLoss, severity: .error,
        summary: "The change removes every etcd member.",
        explanation: """
        etcd is the cluster's only store of state. An inventory without any of the current etcd \
        members tells k8sctl to tear all of them down: every object, secret and lease is lost.
        """,
        fix: "Keep the etcd role on the current members; restore the role list from the previous inventory.",
        needsPrevious: true) { context in
        guard let previous = context.previous, !previous.etcdHosts.isEmpty else { return [] }
        let kept = Set(context.desired.etcdHosts.map(\.name)).intersection(previous.etcdHosts.map(\.name))
        guard kept.isEmpty else { return [] }
        return [context.finding(
            "none of the \(previous.etcdHosts.count) current etcd members (\(previous.etcdHosts.map(\.name).joined(separator: ", "))) stays a member",
            at: context.desired.etcdHosts.first?.path("roles") ?? "spec.hosts", subject: "etcd",
            previousPath: previous.etcdHosts[0].path("roles"), previousNote: "current etcd member")]
    }

    /// A setting fixed at install time: changing it on a running cluster loses or orphans data.
    static func immutable(id: String, summary: String, explanation: String, fix: String, path: String,
                          subject: String, value: @escaping @Sendable (Cluster) -> String) -> ValidationRule {
        ValidationRule(id: id, category: .dataLoss, severity: .error, summary: summary, explanation: explanation,
                       fix: fix, needsPrevious: true) { context in
            guard let previous = context.previous else { return [] }
            let old = value(previous), new = value(context.desired)
            guard old != new else { return [] }
            return [context.finding("\(path) changes from \(old) to \(new) on an existing cluster",
                                    at: path, subject: subject, previousPath: path)]
        }
    }

    static let dataDirChanged = immutable(
        id: "K8S-DATALOSS-002",
        summary: "The etcd data directory changes on an existing cluster.",
        explanation: """
        etcd members keep their log and snapshots in the data directory. Pointing them at another \
        directory starts them empty: with every member moved at once the cluster's data is gone, \
        with some the members disagree about their own membership.
        """,
        fix: "Keep spec.etcd.dataDir; to move the data, stop a member, move the directory on the host, then change the inventory.",
        path: "spec.etcd.dataDir", subject: "etcd") { $0.etcd.dataDir }

    static let clusterNameChanged = immutable(
        id: "K8S-DATALOSS-003",
        summary: "The cluster name changes on an existing cluster.",
        explanation: """
        The cluster name is written into kubeconfigs, the etcd initial cluster token and \
        certificates. Renaming makes k8sctl treat the hosts as a different cluster and reinstall.
        """,
        fix: "Restore metadata.name to its previous value.",
        path: "metadata.name", subject: "cluster") { $0.name }

    static let serviceCIDRChanged = immutable(
        id: "K8S-DATALOSS-004",
        summary: "The service CIDR changes on an existing cluster.",
        explanation: """
        Every Service has a ClusterIP allocated from the service range, the `kubernetes` Service \
        address is in the API server certificate and cluster DNS runs at a fixed address in it. \
        Changing the range orphans every existing ClusterIP and breaks DNS for all pods.
        """,
        fix: "Restore spec.network.serviceCIDR; renumbering services is a migration, not an inventory edit.",
        path: "spec.network.serviceCIDR", subject: "network") { $0.network.serviceCIDR.description }

    static let dnsDomainChanged = immutable(
        id: "K8S-DATALOSS-005",
        summary: "The cluster DNS domain changes on an existing cluster.",
        explanation: """
        Pods, certificates and applications refer to services as name.namespace.svc.<domain>. \
        Changing the domain breaks every such name and the API server certificate's SANs.
        """,
        fix: "Restore spec.network.dnsDomain to its previous value.",
        path: "spec.network.dnsDomain", subject: "network") { $0.network.dnsDomain }

    static let everyControlPlaneRemoved = ValidationRule(
        id: "K8S-DATALOSS-006", category: .dataLoss, severity: .error,
        summary: "The change removes every control-plane host.",
        explanation: """
        The control-plane hosts hold the cluster CA's private key and the service-account signing \
        key. Replacing all of them in one change means no host hands these keys on: new ones are \
        issued, and every kubeconfig, node certificate and service-account token stops working.
        """,
        fix: "Keep at least one current control-plane host in this change; move the role over several changes.",
        needsPrevious: true) { context in
        guard let previous = context.previous, !previous.controlPlaneHosts.isEmpty else { return [] }
        let kept = Set(context.desired.controlPlaneHosts.map(\.name)).intersection(previous.controlPlaneHosts.map(\.name))
        guard kept.isEmpty else { return [] }
        return [context.finding(
            "none of the current control-plane hosts (\(previous.controlPlaneHosts.map(\.name).joined(separator: ", "))) keeps the role",
            at: context.desired.controlPlaneHosts.first?.path("roles") ?? "spec.hosts", subject: "control-plane",
            previousPath: previous.controlPlaneHosts[0].path("roles"), previousNote: "current control-plane host")]
    }

    static let addressChangedWithoutReplacement = ValidationRule(
        id: "K8S-DATALOSS-007", category: .dataLoss, severity: .error,
        summary: "A host keeps its name but changes address without being marked a replacement.",
        explanation: """
        A host's address identifies the machine k8sctl installs to and the etcd peer URL other \
        members trust. The same name at a new address is either a typo (the apply would install to \
        another machine and remove the real one from etcd) or a re-installed machine. Only the \
        second is safe, and only when said explicitly.
        """,
        fix: "Restore the address, or add `replacement: true` to the host if the machine was really replaced.",
        needsPrevious: true) { context in
        guard let previous = context.previous else { return [] }
        var findings: [Diagnostic] = []
        // By name once, not a scan per host: inventories reach thousands of hosts.
        let before = Dictionary(previous.hosts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for host in context.desired.hosts where !host.replacement {
            guard let old = before[host.name] else { continue }
            if old.address != host.address {
                findings.append(context.finding(
                    "host \(host.name) moves from \(old.address) to \(host.address) without `replacement: true`",
                    at: host.path("address"), subject: host.name, previousPath: old.path("address")))
            } else if old.clusterAddress != host.clusterAddress && (host.isEtcd || host.isControlPlane) {
                findings.append(context.finding(
                    "host \(host.name) changes its internal address from \(old.clusterAddress) to \(host.clusterAddress) without `replacement: true`",
                    at: host.path("internalAddress"), subject: host.name, previousPath: old.path("internalAddress")))
            }
        }
        return findings
    }

    static let criticalHostRemoved = ValidationRule(
        id: "K8S-DATALOSS-008", category: .dataLoss, severity: .error,
        summary: "The change decommissions a host marked critical.",
        explanation: """
        `critical` marks hosts whose loss the operators declared unacceptable (a node with local \
        storage, a licence-bound machine). Dropping one from the inventory decommissions it.
        """,
        fix: "Remove `critical: true` (and the name from spec.rollout.criticalHosts) in a change of its own, then remove the host.",
        needsPrevious: true) { context in
        guard let previous = context.previous else { return [] }
        let criticalByName = Set(previous.rollout.criticalHosts)
        let declared = Set(context.desired.hosts.map(\.name))
        return previous.hosts.filter { ($0.critical || criticalByName.contains($0.name)) && !declared.contains($0.name) }
            .map { old in
                context.finding("critical host \(old.name) is removed from the inventory", at: "spec.hosts",
                                subject: old.name, previousPath: old.path("name"), previousNote: "declared critical here")
            }
    }

    static let clusterCAReissued = ValidationRule(
        id: "K8S-DATALOSS-009", category: .dataLoss, severity: .error,
        summary: "The change would re-issue the cluster CA.",
        explanation: """
        The cluster CA signs every certificate: API server, kubelets, etcd peers, admin \
        kubeconfigs. k8sctl reuses a valid CA, but a change of key algorithm cannot reuse it and \
        issues a new one, after which every existing kubeconfig and node credential is rejected.
        """,
        fix: "Restore spec.pki.keyAlgorithm; rotating the CA is a separate, planned operation.",
        needsPrevious: true) { context in
        guard let previous = context.previous, previous.pki.keyAlgorithm != context.desired.pki.keyAlgorithm else { return [] }
        return [context.finding(
            "spec.pki.keyAlgorithm changes from \(previous.pki.keyAlgorithm.rawValue) to \(context.desired.pki.keyAlgorithm.rawValue): the cluster CA would be re-issued",
            at: "spec.pki.keyAlgorithm", subject: "pki", previousPath: "spec.pki.keyAlgorithm")]
    }
}
