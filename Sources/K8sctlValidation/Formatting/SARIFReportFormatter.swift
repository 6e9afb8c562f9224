import Foundation
import K8sctlModel

/// `--format sarif`: SARIF 2.1.0 for code-scanning uploads. Every catalog rule is listed in
/// `tool.driver.rules` with its documentation as help text; each finding is a result with a
/// physical location (file, line, column) and the previous inventory's position as a related
/// location. Validated in the tests against the OASIS schema (Tests/Fixtures/sarif-schema-2.1.0.json).
public struct SARIFReportFormatter: DiagnosticFormatter {
    public init() {}

    struct Log: Encodable {
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var version = "2.1.0"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    struct Run: Encodable {
        var tool: Tool
        var invocations: [Invocation]
        var results: [Result]
        var columnKind = "unicodeCodePoints"
    }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name = "k8sctl"
        var version: String
        var semanticVersion: String
        var rules: [Rule]
    }
    struct Rule: Encodable {
        var id: String
        var name: String
        var shortDescription: Text
        var fullDescription: Text
        var help: Help
        var defaultConfiguration: Configuration
        var properties: RuleProperties
    }
    struct Text: Encodable { var text: String }
    struct Help: Encodable { var text: String; var markdown: String }
    struct Configuration: Encodable { var level: String }
    struct RuleProperties: Encodable { var tags: [String]; var category: String }
    struct Invocation: Encodable { var executionSuccessful: Bool }
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int?
        var level: String
        var message: Text
        var locations: [Location]
        var relatedLocations: [Location]?
        var partialFingerprints: [String: String]
    }
    struct Location: Encodable {
        var id: Int?
        var physicalLocation: PhysicalLocation
        var message: Text?
    }
    struct PhysicalLocation: Encodable { var artifactLocation: ArtifactLocation; var region: Region }
    struct ArtifactLocation: Encodable { var uri: String }
    struct Region: Encodable { var startLine: Int; var startColumn: Int }

    public func format(_ report: ValidationReport) -> String {
        let rules = report.catalog.rules
        var index: [String: Int] = [:]
        for (position, rule) in rules.enumerated() { index[rule.id] = position }
        let fallback = SourceLocation(file: report.inventoryFile, line: 1, column: 1)
        let results = report.diagnostics.map { diagnostic -> Result in
            let id = ValidationReport.ruleID(of: diagnostic)
            var text = diagnostic.message
            if let hint = diagnostic.hint { text += " Fix: \(hint)" }
            let related = diagnostic.related.enumerated().map { offset, related in
                Location(id: offset + 1, physicalLocation: physical(related.location), message: Text(text: related.message))
            }
            return Result(ruleId: id, ruleIndex: index[id], level: Self.level(diagnostic.severity, strict: report.strict),
                          message: Text(text: text),
                          locations: [Location(physicalLocation: physical(diagnostic.location ?? fallback))],
                          relatedLocations: related.isEmpty ? nil : related,
                          partialFingerprints: ["k8sctlFinding/v1": Self.fingerprint(id, diagnostic.subject ?? "", diagnostic.message)])
        }
        let log = Log(runs: [Run(
            tool: Tool(driver: Driver(version: report.toolVersion, semanticVersion: report.toolVersion,
                                      rules: rules.map(Self.describe))),
            invocations: [Invocation(executionSuccessful: true)],
            results: results)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try! encoder.encode(log)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func describe(_ rule: ValidationRule) -> Rule {
        Rule(id: rule.id, name: ruleName(rule),
             shortDescription: Text(text: rule.summary), fullDescription: Text(text: rule.explanation),
             help: Help(text: "\(rule.explanation)\n\nHow to fix: \(rule.fix)",
                        markdown: "\(rule.explanation)\n\n**How to fix:** \(rule.fix)\n\nSee `k8sctl rules \(rule.id)`."),
             defaultConfiguration: Configuration(level: level(rule.severity, strict: false)),
             properties: RuleProperties(tags: ["k8sctl", rule.category.rawValue.lowercased()], category: rule.category.rawValue))
    }

    /// SARIF's `name` is an identifier-like word: `Quorum001` style, from the ID.
    static func ruleName(_ rule: ValidationRule) -> String {
        rule.id.split(separator: "-").dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined()
    }

    static func level(_ severity: Severity, strict: Bool) -> String {
        switch severity {
        case .error: "error"
        case .warning: strict ? "error" : "warning"
        case .note: "note"
        }
    }

    func physical(_ location: SourceLocation) -> PhysicalLocation {
        PhysicalLocation(artifactLocation: ArtifactLocation(uri: Self.uri(for: location.file)),
                         region: Region(startLine: max(1, location.line), startColumn: max(1, location.column)))
    }

    /// Relative paths stay relative (code scanning resolves them against the repository root);
    /// absolute ones become `file://` URIs. Characters outside RFC 3986's path set are percent-encoded.
    static func uri(for path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ";")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }

    /// FNV-1a 64 of the parts: stable across runs and machines (Swift's Hasher is seeded per process),
    /// so code scanning can follow one finding across commits.
    static func fingerprint(_ parts: String...) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
