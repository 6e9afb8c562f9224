import K8sctlModel

/// The human view of a cluster for `inventory show`.
struct InventorySummary {
    let cluster: Cluster

    var text: String {
        let endpoint = cluster.controlPlane.endpoint
        let endpointText: String
        switch endpoint.mode {
        case .vip: endpointText = "vip \(endpoint.vip?.description ?? "?"):\(endpoint.apiServerPort) (\(endpoint.vipManager.rawValue))"
        case .localProxy: endpointText = "local-proxy \(endpoint.proxy.rawValue) on 127.0.0.1:\(endpoint.proxyPort) on every node"
        case .external: endpointText = "external load balancer \(endpoint.address ?? "?")"
        }
        let network = cluster.network
        let election = cluster.controlPlane.leaderElection
        var lines = [
            "cluster      \(cluster.name)",
            "kubernetes   \(cluster.kubernetes.version)  (etcd \(cluster.etcdVersion), \(cluster.etcd.topology.rawValue), \(cluster.etcd.deployment.rawValue))",
            "endpoint     \(endpointText)",
            "network      pods \(network.podCIDR) (/\(network.nodeMaskSize) per node), services \(network.serviceCIDR), dns \(network.dnsDomain), \(network.plugin)",
            "leader elect lease \(election.leaseDuration), renew \(election.renewDeadline), retry \(election.retryPeriod)",
            "rollout      control plane \(cluster.rollout.controlPlane.batchSize) at a time; workers \(cluster.rollout.workers.batchSize) per batch (new workers \(cluster.rollout.workers.newHostBatchSize)), stop above \(cluster.rollout.workers.maxFailurePercent)% failed",
            "ssh          user \(cluster.ssh.user), port \(cluster.ssh.port), host keys \(cluster.ssh.hostKeyPolicy.rawValue), transport \(cluster.ssh.transport.rawValue)\(cluster.ssh.bastion.map { ", via \($0.address)" } ?? "")",
            "hosts        \(cluster.hosts.count): \(cluster.controlPlaneHosts.count) control-plane, \(cluster.etcdHosts.count) etcd, \(cluster.workerHosts.count) worker",
        ]
        if !cluster.nodePools.isEmpty {
            lines.append("pools        " + cluster.nodePools.map { pool in
                let members = cluster.hosts.filter { $0.pool == pool.name }.count
                return "\(pool.name) (\(members)\(pool.zone.map { ", zone \($0)" } ?? ""))"
            }.joined(separator: ", "))
        }
        lines.append("")
        var rows = [["NAME", "ADDRESS", "INTERNAL", "ROLES", "POOL", "LABELS", "TAINTS", "CRITICAL"]]
        for host in cluster.hosts {
            let labels = cluster.nodeLabels(for: host).filter { !$0.key.hasPrefix("node-role.kubernetes.io/") }
            rows.append([
                host.name, host.address.description, host.internalAddress?.description ?? "-",
                host.roles.sorted().map(\.rawValue).joined(separator: ","), host.pool ?? "-",
                labels.isEmpty ? "-" : labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ","),
                cluster.nodeTaints(for: host).isEmpty ? "-" : cluster.nodeTaints(for: host).map(\.description).joined(separator: ","),
                host.critical ? "yes" : "-",
            ])
        }
        lines += TextTable.render(rows)
        return lines.joined(separator: "\n")
    }
}

/// Left-aligned columns separated by two spaces.
enum TextTable {
    static func render(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }
    }
}
