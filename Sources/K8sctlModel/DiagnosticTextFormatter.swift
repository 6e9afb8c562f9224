/// Prints diagnostics as compilers do: `file:line:col: error[RULE]: message`, the offending line,
/// a caret under the column, then the hint. Source text comes from a provider so this stays free of I/O.
public struct DiagnosticTextFormatter: Sendable {
    /// Returns the lines of `file`, or nil when it cannot be read.
    public typealias SourceProvider = @Sendable (String) -> [Substring]?

    private let sourceLines: SourceProvider
    private let colored: Bool

    public init(colored: Bool = false, sourceLines: @escaping SourceProvider) {
        self.colored = colored
        self.sourceLines = sourceLines
    }

    public func format(_ diagnostic: Diagnostic) -> String {
        var label = diagnostic.severity.rawValue
        if let rule = diagnostic.ruleID { label += "[\(rule)]" }
        if colored {
            let color = diagnostic.severity == .error ? "\u{1B}[1;31m" : diagnostic.severity == .warning ? "\u{1B}[1;33m" : "\u{1B}[1;36m"
            label = color + label + "\u{1B}[0m"
        }
        var text: String
        if let location = diagnostic.location {
            text = "\(location): \(label): \(diagnostic.message)"
            text += excerpt(at: location)
        } else {
            text = "\(label): \(diagnostic.message)"
        }
        for related in diagnostic.related {
            text += "\n\(related.location): note: \(related.message)" + excerpt(at: related.location)
        }
        if let hint = diagnostic.hint { text += "\n  hint: \(hint)" }
        return text
    }

    public func format(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(format).joined(separator: "\n")
    }

    private func excerpt(at location: SourceLocation) -> String {
        guard let lines = sourceLines(location.file), location.line >= 1, location.line <= lines.count else { return "" }
        let line = lines[location.line - 1]
        let shown = String(line.prefix(200)).replacingTabs()
        let column = max(1, min(location.column, shown.count + 1))
        let gutter = String(location.line)
        let pad = String(repeating: " ", count: gutter.count)
        return "\n \(gutter) | \(shown)\n \(pad) | " + String(repeating: " ", count: column - 1) + "^"
    }
}

private extension String {
    func replacingTabs() -> String { map { $0 == "\t" ? " " : String($0) }.joined() }
}
