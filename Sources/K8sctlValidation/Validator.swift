import K8sctlModel

/// Runs every rule of a catalog over one input and returns all findings, errors first.
public struct Validator: Sendable {
    public let catalog: RuleCatalog

    public init(catalog: RuleCatalog = .standard) { self.catalog = catalog }

    /// Every diagnostic of every applicable rule, ordered by file, line, column, then rule ID.
    public func validate(_ input: ValidationInput) -> [Diagnostic] {
        let found = catalog.rules.flatMap { $0.evaluate(input) }
        return found.sorted(by: Validator.reportOrder)
    }

    /// The rules that ran on `input` (change rules are skipped without a previous inventory).
    public func appliedRules(for input: ValidationInput) -> [ValidationRule] {
        catalog.rules.filter { $0.applies(to: input) }
    }

    /// Position order, so output reads top to bottom through the file; ties by rule ID then message.
    static func reportOrder(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        let left = lhs.location, right = rhs.location
        if left?.file != right?.file { return (left?.file ?? "") < (right?.file ?? "") }
        if left?.line != right?.line { return (left?.line ?? 0) < (right?.line ?? 0) }
        if left?.column != right?.column { return (left?.column ?? 0) < (right?.column ?? 0) }
        if lhs.ruleID != rhs.ruleID { return (lhs.ruleID ?? "") < (rhs.ruleID ?? "") }
        return lhs.message < rhs.message
    }
}
