/// How bad a finding is. Errors refuse (exit 1 for rules, 2 for unusable input); warnings inform.
public enum Severity: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    case note, warning, error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        let order: [Severity] = [.note, .warning, .error]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

/// One finding about an input: where, what, and what to do about it.
/// Loaders and validation rules collect these instead of throwing on the first problem.
public struct Diagnostic: Sendable, Hashable, Codable {
    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// The rule that produced it (`K8S-QUORUM-001`), nil for loader findings.
    public var ruleID: String?
    /// What the user can do about it.
    public var hint: String?
    /// A second position that explains the first, e.g. the value in the previous inventory.
    public var related: [RelatedLocation]
    /// What the finding is about (a host name, `etcd`, `network`), for JUnit/SARIF grouping.
    public var subject: String?

    public init(severity: Severity, message: String, location: SourceLocation? = nil,
                ruleID: String? = nil, hint: String? = nil, related: [RelatedLocation] = [],
                subject: String? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
        self.ruleID = ruleID
        self.hint = hint
        self.related = related
        self.subject = subject
    }

    public static func error(_ message: String, at location: SourceLocation?, hint: String? = nil) -> Diagnostic {
        Diagnostic(severity: .error, message: message, location: location, hint: hint)
    }

    public static func warning(_ message: String, at location: SourceLocation?, hint: String? = nil) -> Diagnostic {
        Diagnostic(severity: .warning, message: message, location: location, hint: hint)
    }
}

public struct RelatedLocation: Sendable, Hashable, Codable {
    public var location: SourceLocation
    public var message: String
    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
}
