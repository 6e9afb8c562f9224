import K8sctlModel

/// `--format github`: GitHub Actions workflow commands, one per finding, which the runner turns
/// into annotations on the pull request's diff (`::error file=…,line=…,col=…,title=ID::message`).
public struct GitHubAnnotationFormatter: DiagnosticFormatter {
    public init() {}

    public func format(_ report: ValidationReport) -> String {
        var text = ""
        for diagnostic in report.diagnostics {
            let command: String
            switch diagnostic.severity {
            case .error: command = "error"
            case .warning: command = report.strict ? "error" : "warning"
            case .note: command = "notice"
            }
            var properties: [String] = []
            if let location = diagnostic.location {
                properties += ["file=\(Self.escapeProperty(location.file))", "line=\(location.line)", "col=\(location.column)"]
            }
            properties.append("title=\(Self.escapeProperty(ValidationReport.ruleID(of: diagnostic)))")
            var message = diagnostic.message
            for related in diagnostic.related { message += "\n\(related.message): \(related.location)" }
            if let hint = diagnostic.hint { message += "\nhint: \(hint)" }
            text += "::\(command) \(properties.joined(separator: ","))::\(Self.escapeData(message))\n"
        }
        return text
    }

    /// The runner's escaping for a command's message: `%`, CR and LF.
    static func escapeData(_ text: String) -> String { escape(text, [("%", "%25"), ("\r", "%0D"), ("\n", "%0A")]) }

    /// Property values additionally escape `:` and `,`, which delimit properties.
    static func escapeProperty(_ text: String) -> String {
        escape(text, [("%", "%25"), ("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C")])
    }

    // Scalars, not Characters: "\r\n" is one Character and would slip past a Character match.
    private static func escape(_ text: String, _ table: [(Unicode.Scalar, String)]) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replacement = table.first(where: { $0.0 == scalar })?.1 { result += replacement }
            else { result.unicodeScalars.append(scalar) }
        }
        return result
    }
}
