import Foundation
import K8sctlModel
import Yams

/// Writes a `Cluster` as a native inventory document with every default spelled out, so
/// `inventory show --format yaml` shows what k8sctl will use and `inventory import` produces a file
/// that loads back to the same cluster. Key order follows the reference in README.md.
public struct NativeInventoryWriter: Sendable {
    public init() {}

    public func yaml(for cluster: Cluster) -> String {
        (try? Yams.serialize(node: document(for: cluster), sortKeys: false)) ?? ""
    }

    /// The same document as JSON (the schema `inventory show --format json` documents), plus each
    /// host's effective labels and taints under `status.hosts`.
    public func json(for cluster: Cluster) -> String {
        var root = NativeInventoryWriter.foundationValue(document(for: cluster)) as? [String: Any] ?? [:]
        root["status"] = ["hosts": cluster.hosts.map { host -> [String: Any] in
            ["name": host.name,
             "effectiveLabels": cluster.nodeLabels(for: host),
             "effectiveTaints": cluster.nodeTaints(for: host).map(\.description)]
        }]
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    public func document(for cluster: Cluster) -> Node {
        map([
            ("apiVersion", str(Defaults.apiVersion)),
            ("kind", str(Defaults.kind)),
            ("metadata", map([("name", str(cluster.name))])),
            ("spec", spec(cluster)),
        ])
    }

    private func spec(_ cluster: Cluster) -> Node {
        let network = cluster.network
        let endpoint = cluster.controlPlane.endpoint
        var endpointPairs: [(String, Node)] = [("mode", str(endpoint.mode.rawValue))]
        switch endpoint.mode {
        case .vip:
            if let vip = endpoint.vip { endpointPairs.append(("vip", str(vip.description))) }
            if let interface = endpoint.interface { endpointPairs.append(("interface", str(interface))) }
            endpointPairs.append(("vipManager", str(endpoint.vipManager.rawValue)))
        case .localProxy:
            endpointPairs.append(("proxy", str(endpoint.proxy.rawValue)))
            endpointPairs.append(("proxyPort", int(endpoint.proxyPort)))
        case .external:
            if let address = endpoint.address { endpointPairs.append(("address", str(address))) }
        }
        if let dnsName = endpoint.dnsName { endpointPairs.append(("dnsName", str(dnsName))) }
        endpointPairs.append(("apiServerPort", int(endpoint.apiServerPort)))

        let election = cluster.controlPlane.leaderElection
        let extra = cluster.controlPlane.extraArgs
        let etcd = cluster.etcd
        var etcdPairs: [(String, Node)] = [
            ("topology", str(etcd.topology.rawValue)), ("deployment", str(etcd.deployment.rawValue)),
            ("version", str(cluster.etcdVersion.description)), ("dataDir", str(etcd.dataDir)),
            ("snapshotDir", str(etcd.snapshotDir)), ("snapshotRetention", int(etcd.snapshotRetention)),
            ("clientPort", int(etcd.clientPort)), ("peerPort", int(etcd.peerPort)),
        ]
        if !etcd.extraArgs.isEmpty { etcdPairs.append(("extraArgs", stringMap(etcd.extraArgs))) }
        let ssh = cluster.ssh
        var sshPairs: [(String, Node)] = [("user", str(ssh.user)), ("port", int(ssh.port))]
        if let identity = ssh.identityFile { sshPairs.append(("identityFile", str(identity))) }
        sshPairs += [("knownHosts", str(ssh.knownHosts)), ("hostKeyPolicy", str(ssh.hostKeyPolicy.rawValue)),
                     ("become", str(ssh.become.rawValue)), ("transport", str(ssh.transport.rawValue)),
                     ("connectTimeout", str(ssh.connectTimeout.text)), ("commandTimeout", str(ssh.commandTimeout.text))]
        if let bastion = ssh.bastion {
            var pairs: [(String, Node)] = [("address", str(bastion.address)), ("port", int(bastion.port))]
            if let user = bastion.user { pairs.append(("user", str(user))) }
            if let identity = bastion.identityFile { pairs.append(("identityFile", str(identity))) }
            sshPairs.append(("bastion", map(pairs)))
        }
        let rollout = cluster.rollout
        let kubelet = cluster.kubelet
        var kubeletPairs: [(String, Node)] = [("maxPods", int(kubelet.maxPods)), ("cgroupDriver", str(kubelet.cgroupDriver)),
                                              ("containerRuntimeEndpoint", str(kubelet.containerRuntimeEndpoint))]
        if !kubelet.extraArgs.isEmpty { kubeletPairs.append(("extraArgs", stringMap(kubelet.extraArgs))) }
        let pki = cluster.pki
        var artifactPairs: [(String, Node)] = [("source", str(cluster.artifacts.source))]
        if !cluster.artifacts.sha256.isEmpty {
            artifactPairs.append(("sha256", map(cluster.artifacts.sha256.keys.sorted().map { component in
                (component, stringMap(cluster.artifacts.sha256[component] ?? [:]))
            })))
        }

        return map([
            ("kubernetes", map([("version", str(cluster.kubernetes.version.description)),
                                ("imageRepository", str(cluster.kubernetes.imageRepository))])),
            ("network", map([("podCIDR", str(network.podCIDR.description)), ("serviceCIDR", str(network.serviceCIDR.description)),
                             ("nodeMaskSize", int(network.nodeMaskSize)), ("dnsDomain", str(network.dnsDomain)),
                             ("plugin", str(network.plugin))])),
            ("controlPlane", map([
                ("endpoint", map(endpointPairs)),
                ("leaderElection", map([("leaseDuration", str(election.leaseDuration.text)),
                                        ("renewDeadline", str(election.renewDeadline.text)),
                                        ("retryPeriod", str(election.retryPeriod.text))])),
                ("extraArgs", map([("apiserver", stringMap(extra.apiserver)),
                                   ("controllerManager", stringMap(extra.controllerManager)),
                                   ("scheduler", stringMap(extra.scheduler))])),
            ])),
            ("etcd", map(etcdPairs)),
            ("kubelet", map(kubeletPairs)),
            ("pki", map([("keyAlgorithm", str(pki.keyAlgorithm.rawValue)), ("caValidityDays", int(pki.caValidityDays)),
                         ("certificateValidityDays", int(pki.certificateValidityDays)),
                         ("renewBeforeDays", int(pki.renewBeforeDays))])),
            ("artifacts", map(artifactPairs)),
            ("ssh", map(sshPairs)),
            ("rollout", map([
                ("controlPlane", map([("batchSize", int(rollout.controlPlane.batchSize))])),
                ("workers", map([("batchSize", batch(rollout.workers.batchSize)),
                                 ("newHostBatchSize", batch(rollout.workers.newHostBatchSize)),
                                 ("maxFailurePercent", int(rollout.workers.maxFailurePercent)),
                                 ("pauseBetweenBatches", str(rollout.workers.pauseBetweenBatches.text)),
                                 ("confirmEachBatch", bool(rollout.workers.confirmEachBatch))])),
                ("criticalHosts", seq(rollout.criticalHosts.map { str($0) }, flow: true)),
                ("drain", map([("timeout", str(rollout.drain.timeout.text)), ("gracePeriod", str(rollout.drain.gracePeriod.text)),
                               ("ignoreDaemonSets", bool(rollout.drain.ignoreDaemonSets)),
                               ("deleteEmptyDirData", bool(rollout.drain.deleteEmptyDirData))])),
            ])),
            ("nodePools", seq(cluster.nodePools.map(pool))),
            ("hosts", seq(cluster.hosts.map(host))),
        ])
    }

    private func pool(_ pool: NodePool) -> Node {
        var pairs: [(String, Node)] = [("name", str(pool.name))]
        if !pool.labels.isEmpty { pairs.append(("labels", stringMap(pool.labels))) }
        if !pool.taints.isEmpty { pairs.append(("taints", seq(pool.taints.map { str($0.description) }, flow: true))) }
        if let zone = pool.zone { pairs.append(("zone", str(zone))) }
        return map(pairs, flow: true)
    }

    private func host(_ host: K8sctlModel.Host) -> Node {
        var pairs: [(String, Node)] = [("name", str(host.name)), ("address", str(host.address.description))]
        if let internalAddress = host.internalAddress { pairs.append(("internalAddress", str(internalAddress.description))) }
        pairs.append(("roles", seq(host.roles.sorted().map { str($0.rawValue) }, flow: true)))
        if let pool = host.pool { pairs.append(("pool", str(pool))) }
        if !host.labels.isEmpty { pairs.append(("labels", stringMap(host.labels))) }
        if !host.taints.isEmpty { pairs.append(("taints", seq(host.taints.map { str($0.description) }, flow: true))) }
        if host.critical { pairs.append(("critical", bool(true))) }
        if host.replacement { pairs.append(("replacement", bool(true))) }
        var ssh: [(String, Node)] = []
        if let user = host.ssh.user { ssh.append(("user", str(user))) }
        if let port = host.ssh.port { ssh.append(("port", int(port))) }
        if let identity = host.ssh.identityFile { ssh.append(("identityFile", str(identity))) }
        if let transport = host.ssh.transport { ssh.append(("transport", str(transport.rawValue))) }
        if !ssh.isEmpty { pairs.append(("ssh", map(ssh))) }
        return map(pairs, flow: true)
    }

    // MARK: - Node builders

    private func str(_ value: String) -> Node {
        // Quote values that YAML would read as another type (numbers, booleans, null, versions like 1.30).
        let plain = Node(value)
        let needsQuotes = value.isEmpty || SexagesimalGuard.overflows(value) || plain.checkedInt != nil || plain.float != nil || plain.bool != nil || plain.null != nil
        return Node(value, Tag(.str), needsQuotes ? .doubleQuoted : .plain)
    }
    private func int(_ value: Int) -> Node { Node(String(value), Tag(.int)) }
    private func bool(_ value: Bool) -> Node { Node(value ? "true" : "false", Tag(.bool)) }
    private func batch(_ value: BatchSize) -> Node {
        if case .count(let count) = value { return int(count) }
        return str(value.description)
    }
    private func map(_ pairs: [(String, Node)], flow: Bool = false) -> Node {
        Node(pairs.map { (str($0.0), $0.1) }, Tag(.map), flow ? .flow : .block)
    }
    private func seq(_ nodes: [Node], flow: Bool = false) -> Node { Node(nodes, Tag(.seq), flow ? .flow : .block) }
    private func stringMap(_ values: [String: String]) -> Node {
        map(values.keys.sorted().map { ($0, str(values[$0] ?? "")) }, flow: true)
    }

    /// Converts a node tree built above into JSON-compatible Foundation values with real types.
    static func foundationValue(_ node: Node) -> Any {
        switch node {
        case .scalar(let scalar):
            // Builders above quote every string that would read as another type, so an unquoted
            // number or boolean here is one.
            if scalar.style != .doubleQuoted {
                if let number = Int(scalar.string) { return number }
                if scalar.string == "true" || scalar.string == "false" { return scalar.string == "true" }
            }
            return scalar.string
        case .mapping(let mapping):
            var result: [String: Any] = [:]
            for (key, value) in mapping { result[key.string ?? ""] = foundationValue(value) }
            return result
        case .sequence(let sequence):
            return sequence.map(foundationValue)
        case .alias:
            return NSNull()
        }
    }
}
