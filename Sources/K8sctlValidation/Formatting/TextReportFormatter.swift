import K8sctlModel

/// Human output: each finding as a compiler prints it (position, severity[ID], message, the
/// source line with a caret, related positions, hint), then a one-line verdict.
public struct TextReportFormatter: DiagnosticFormatter {
    let lines: DiagnosticTextFormatter

    public init(lines: DiagnosticTextFormatter) { self.lines = lines }

    public func format(_ report: ValidationReport) -> String {
        var text = ""
        for diagnostic in report.diagnostics { text += lines.format(diagnostic) + "\n\n" }
        let against = report.previousSource.map { " against \($0)" } ?? ""
        let verdict = report.passed ? "passed" : "refused"
        text += "\(report.inventoryFile)\(against): \(report.countsText) (\(report.checkedRules.count) rules checked)"
            + "\(report.strict ? ", strict" : ""): \(verdict)\n"
        return text
    }
}
