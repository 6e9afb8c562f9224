import Foundation
import K8sctlModel

/// `--format json`: a stable document for scripts. The schema is versioned by `schemaVersion`
/// (documented in docs/validation.md); fields are only added within a version.
public struct JSONReportFormatter: DiagnosticFormatter {
    public static let schemaVersion = 1

    public init() {}

    struct Document: Encodable {
        var schemaVersion: Int
        var tool: Tool
        var inventory: String
        var previous: String?
        var strict: Bool
        var verdict: String
        var summary: Summary
        var diagnostics: [Entry]
    }
    struct Tool: Encodable { var name: String; var version: String }
    struct Summary: Encodable { var errors: Int; var warnings: Int; var notes: Int; var rulesChecked: Int }
    struct Position: Encodable { var file: String; var line: Int; var column: Int }
    struct Related: Encodable { var location: Position; var message: String }
    struct Entry: Encodable {
        var ruleId: String
        var severity: String
        var message: String
        var hint: String?
        var subject: String?
        var location: Position?
        var related: [Related]
    }

    public func format(_ report: ValidationReport) -> String {
        func position(_ location: SourceLocation) -> Position {
            Position(file: location.file, line: location.line, column: location.column)
        }
        let document = Document(
            schemaVersion: Self.schemaVersion,
            tool: Tool(name: "k8sctl", version: report.toolVersion),
            inventory: report.inventoryFile, previous: report.previousSource, strict: report.strict,
            verdict: report.passed ? "passed" : "refused",
            summary: Summary(errors: report.diagnostics.errors.count, warnings: report.diagnostics.warnings.count,
                             notes: report.diagnostics.filter { $0.severity == .note }.count,
                             rulesChecked: report.checkedRules.count),
            diagnostics: report.diagnostics.map { diagnostic in
                Entry(ruleId: ValidationReport.ruleID(of: diagnostic), severity: diagnostic.severity.rawValue,
                      message: diagnostic.message, hint: diagnostic.hint, subject: diagnostic.subject,
                      location: diagnostic.location.map(position),
                      related: diagnostic.related.map { Related(location: position($0.location), message: $0.message) })
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        let data = try! encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
