/// The families of rules; the middle part of a rule ID (`K8S-QUORUM-001`).
public enum RuleCategory: String, Sendable, Hashable, CaseIterable, Codable {
    case topology = "TOPOLOGY"
    case quorum = "QUORUM"
    case dataLoss = "DATALOSS"
    case version = "VERSION"
    case network = "NETWORK"
    case rollout = "ROLLOUT"

    /// A sentence for `k8sctl rules` listings.
    public var title: String {
        switch self {
        case .topology: "Topology: which hosts hold which roles"
        case .quorum: "Quorum: etcd membership across a change"
        case .dataLoss: "Data loss: changes that destroy or orphan cluster state"
        case .version: "Versions: upgrade paths, skew and artifact pins"
        case .network: "Network: address ranges and duplicates"
        case .rollout: "Rollout policy: batches and failure limits"
        }
    }
}
