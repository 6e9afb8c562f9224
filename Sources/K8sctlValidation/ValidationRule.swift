import K8sctlModel

/// One static check: its identity and documentation as data, and the function that applies it.
/// Rules never throw and never stop at the first problem: each returns every finding it has.
public struct ValidationRule: Sendable, Identifiable {
    /// `K8S-<CATEGORY>-<NNN>`; stable across releases so pipelines can refer to it.
    public let id: String
    public let category: RuleCategory
    /// The severity of every diagnostic the rule reports.
    public let severity: Severity
    /// One line, shown in listings and as the SARIF short description.
    public let summary: String
    /// Why the rule exists: the failure it prevents, in a paragraph.
    public let explanation: String
    /// What to change in the inventory to satisfy it.
    public let fix: String
    /// Change rules compare with the previous inventory and are skipped without one.
    public let needsPrevious: Bool
    private let check: @Sendable (RuleContext) -> [Diagnostic]

    /// - Parameters:
    ///   - check: finds the problems; report them through `RuleContext.finding` so each carries
    ///     this rule's ID, severity and fix.
    public init(id: String, category: RuleCategory, severity: Severity, summary: String, explanation: String,
                fix: String, needsPrevious: Bool = false, check: @escaping @Sendable (RuleContext) -> [Diagnostic]) {
        self.id = id
        self.category = category
        self.severity = severity
        self.summary = summary
        self.explanation = explanation
        self.fix = fix
        self.needsPrevious = needsPrevious
        self.check = check
    }

    /// Whether the rule has what it needs to run on `input`.
    public func applies(to input: ValidationInput) -> Bool { !needsPrevious || input.previous != nil }

    /// The rule's findings on `input` (none when it does not apply).
    public func evaluate(_ input: ValidationInput) -> [Diagnostic] {
        guard applies(to: input) else { return [] }
        return check(RuleContext(rule: self, input: input))
    }
}

/// What a rule's check sees: the input, and a way to phrase findings with the rule's identity.
public struct RuleContext: Sendable {
    public let rule: ValidationRule
    public let input: ValidationInput

    public var desired: Cluster { input.desired }
    public var previous: Cluster? { input.previous }
    public var observed: ObservedState? { input.observed }

    /// A diagnostic for this rule at `path` in the desired inventory.
    /// - Parameters:
    ///   - path: YAML path such as `spec.hosts[3].roles`; the nearest recorded position is used.
    ///   - previousPath: when the change is the problem, the same value's path in the previous inventory.
    ///   - hint: a finding-specific fix; defaults to the rule's.
    public func finding(_ message: String, at path: String, subject: String, previousPath: String? = nil,
                        previousNote: String = "previous value", hint: String? = nil) -> Diagnostic {
        var related: [RelatedLocation] = []
        if let previousPath, let previous {
            related.append(RelatedLocation(location: previous.location(of: previousPath), message: previousNote))
        }
        return Diagnostic(severity: rule.severity, message: message, location: desired.location(of: path),
                          ruleID: rule.id, hint: hint ?? rule.fix, related: related, subject: subject)
    }
}

extension Host {
    /// The YAML path of one of the host's fields (`spec.hosts[3].address`).
    public func path(_ field: String) -> String { path.isEmpty ? field : path + "." + field }
}
