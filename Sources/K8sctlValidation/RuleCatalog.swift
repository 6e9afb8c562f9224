import K8sctlModel

/// The rules k8sctl checks, as data: `k8sctl rules` lists it, formatters read their
/// documentation from it, and its tests check that IDs are unique and well formed.
public struct RuleCatalog: Sendable {
    public let rules: [ValidationRule]

    public init(rules: [ValidationRule]) { self.rules = rules }

    /// Every built-in rule, grouped by category in catalog order.
    public static let standard = RuleCatalog(rules:
        TopologyRules.all + QuorumRules.all + DataLossRules.all + VersionRules.all + NetworkRules.all + RolloutRules.all)

    /// The rule with `id` (case-insensitive), if any.
    public func rule(id: String) -> ValidationRule? {
        let wanted = id.uppercased()
        return rules.first { $0.id == wanted }
    }
}
