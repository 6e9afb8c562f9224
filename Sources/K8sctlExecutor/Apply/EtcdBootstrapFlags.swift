import K8sctlModel
import K8sctlRendering
import K8sctlTransport

/// etcd reads `initial-cluster` and `initial-cluster-state` only when it starts on an empty data
/// directory. A running member's environment file that differs from the rendered one only in those
/// lines is therefore already as desired: rewriting it would restart every member after each scale
/// change (all at once, since the restarts are per host) for no effect.
///
/// Members joining in this run keep the rendered file: they need exactly those lines.
struct EtcdBootstrapFlags {
    static let environmentFile = "/etc/etcd/etcd.env"
    static let bootstrapPrefixes = ["ETCD_INITIAL_CLUSTER=", "ETCD_INITIAL_CLUSTER_STATE=", "# initial-cluster-state is"]

    /// `rendered` with each established member's etcd.env replaced by the node's own copy where the
    /// two differ only in bootstrap-only lines.
    func keepingNodeCopies(of rendered: [RenderedHost], cluster: Cluster, facts: [String: HostFacts],
                           joining: Set<String>, connection: (String) async -> (any RemoteHost)?) async -> [RenderedHost] {
        var result = rendered
        for index in result.indices {
            let name = result[index].host
            guard cluster.host(named: name)?.isEtcd == true, !joining.contains(name),
                  let fact = facts[name], fact.units["etcd.service"]?.isActive == true,
                  let fileIndex = result[index].files.firstIndex(where: { $0.path == Self.environmentFile }),
                  fact.fileChecksums[Self.environmentFile] != nil,
                  fact.fileChecksums[Self.environmentFile] != Applier.sha256(result[index].files[fileIndex].content),
                  let remote = await connection(name),
                  let onNode = try? await remote.readFile(Self.environmentFile) else { continue }
            if Self.significantLines(onNode) == Self.significantLines(result[index].files[fileIndex].content) {
                result[index].files[fileIndex].content = onNode
            }
        }
        return result
    }

    static func significantLines(_ bytes: [UInt8]) -> [Substring] {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(separator: "\n").filter { line in !bootstrapPrefixes.contains { line.hasPrefix($0) } }
    }
}
