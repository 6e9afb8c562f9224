import K8sctlModel

/// The outcome of one `validate` run, the input of every output format.
public struct ValidationReport: Sendable {
    /// The ID formats use for findings that come from loading rather than from a rule.
    public static let inputRuleID = "K8S-INPUT-000"

    /// Every finding: loader diagnostics first (if any), then rule diagnostics.
    public var diagnostics: [Diagnostic]
    /// The rules that ran (change rules are skipped without a previous inventory).
    public var checkedRules: [ValidationRule]
    /// The whole catalog, for formats that list every rule (SARIF, JUnit skipped cases).
    public var catalog: RuleCatalog
    /// The inventory validated, as given on the command line.
    public var inventoryFile: String
    /// Where the previous inventory came from (`old.yaml`, `git:origin/main:cluster.yaml`), if any.
    public var previousSource: String?
    /// Whether warnings refuse too (`--strict`).
    public var strict: Bool
    /// The k8sctl version, written into JSON and SARIF.
    public var toolVersion: String

    public init(diagnostics: [Diagnostic], checkedRules: [ValidationRule], catalog: RuleCatalog = .standard,
                inventoryFile: String, previousSource: String? = nil, strict: Bool = false, toolVersion: String) {
        self.diagnostics = diagnostics
        self.checkedRules = checkedRules
        self.catalog = catalog
        self.inventoryFile = inventoryFile
        self.previousSource = previousSource
        self.strict = strict
        self.toolVersion = toolVersion
    }

    /// Whether the change may go ahead: no errors, and no warnings either under `--strict`.
    public var passed: Bool { refusing.isEmpty }

    /// The diagnostics that make the run fail.
    public var refusing: [Diagnostic] {
        diagnostics.filter { $0.severity == .error || (strict && $0.severity == .warning) }
    }

    /// `rule.id`, or the input pseudo-rule for loader findings.
    static func ruleID(of diagnostic: Diagnostic) -> String { diagnostic.ruleID ?? inputRuleID }

    /// `2 errors, 1 warning`
    public var countsText: String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        return plural(diagnostics.errors.count, "error") + ", " + plural(diagnostics.warnings.count, "warning")
    }
}

/// Turns a report into one output format's text.
public protocol DiagnosticFormatter: Sendable {
    func format(_ report: ValidationReport) -> String
}

/// The output formats of `k8sctl validate --format`.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, junit, sarif, github

    /// The formatter for this format.
    /// - Parameter sourceLines: reads a file's lines, for the text format's excerpts.
    public func formatter(sourceLines: @escaping DiagnosticTextFormatter.SourceProvider = { _ in nil },
                          colored: Bool = false) -> any DiagnosticFormatter {
        switch self {
        case .text: TextReportFormatter(lines: DiagnosticTextFormatter(colored: colored, sourceLines: sourceLines))
        case .json: JSONReportFormatter()
        case .junit: JUnitReportFormatter()
        case .sarif: SARIFReportFormatter()
        case .github: GitHubAnnotationFormatter()
        }
    }
}
