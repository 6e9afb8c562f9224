import K8sctlModel

/// `--format junit`: JUnit XML as GitLab, Jenkins and most CI servers read it. One `<testsuite>`
/// per rule category; one `<testcase>` per rule × subject that has findings (failing for errors,
/// and for warnings under `--strict`), one passing case per rule without findings, and a
/// skipped case per change rule when there is no previous inventory.
public struct JUnitReportFormatter: DiagnosticFormatter {
    public init() {}

    struct Case {
        var name: String
        var classname: String
        var failures: [Diagnostic] = []
        var output: [Diagnostic] = []
        var skipped: String?
    }

    public func format(_ report: ValidationReport) -> String {
        let checked = Set(report.checkedRules.map(\.id))
        var suites: [(name: String, cases: [Case])] = []
        let inputFindings = report.diagnostics.filter { $0.ruleID == nil }
        if !inputFindings.isEmpty {
            var input = Case(name: "\(ValidationReport.inputRuleID) \(report.inventoryFile)", classname: "k8sctl.validate.INPUT")
            place(inputFindings, into: &input, strict: report.strict)
            suites.append(("k8sctl.validate.INPUT", [input]))
        }
        let byRule = Dictionary(grouping: report.diagnostics.filter { $0.ruleID != nil }, by: { $0.ruleID! })
        for category in RuleCategory.allCases {
            let classname = "k8sctl.validate.\(category.rawValue)"
            var cases: [Case] = []
            for rule in report.catalog.rules where rule.category == category {
                guard checked.contains(rule.id) else {
                    let reason = report.checkedRules.isEmpty ? "not run: the inventory could not be loaded"
                        : "needs the previous inventory (--previous or --previous-git)"
                    cases.append(Case(name: "\(rule.id) \(rule.summary)", classname: classname, skipped: reason))
                    continue
                }
                let findings = byRule[rule.id] ?? []
                if findings.isEmpty {
                    cases.append(Case(name: "\(rule.id) \(rule.summary)", classname: classname))
                    continue
                }
                // One case per subject, in order of first appearance.
                var order: [String] = []
                var bySubject: [String: [Diagnostic]] = [:]
                for finding in findings {
                    let subject = finding.subject ?? "cluster"
                    if bySubject[subject] == nil { order.append(subject) }
                    bySubject[subject, default: []].append(finding)
                }
                for subject in order {
                    var testCase = Case(name: "\(rule.id) \(subject)", classname: classname)
                    place(bySubject[subject]!, into: &testCase, strict: report.strict)
                    cases.append(testCase)
                }
            }
            suites.append((classname, cases))
        }

        let total = suites.reduce(0) { $0 + $1.cases.count }
        let failed = suites.reduce(0) { $0 + $1.cases.filter { !$0.failures.isEmpty }.count }
        let skipped = suites.reduce(0) { $0 + $1.cases.filter { $0.skipped != nil }.count }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"k8sctl validate\" tests=\"\(total)\" failures=\"\(failed)\" errors=\"0\" skipped=\"\(skipped)\">\n"
        for suite in suites {
            let suiteFailed = suite.cases.filter { !$0.failures.isEmpty }.count
            let suiteSkipped = suite.cases.filter { $0.skipped != nil }.count
            xml += "  <testsuite name=\"\(XMLText.escape(suite.name))\" tests=\"\(suite.cases.count)\" failures=\"\(suiteFailed)\" errors=\"0\" skipped=\"\(suiteSkipped)\" time=\"0\">\n"
            for testCase in suite.cases { xml += render(testCase, file: report.inventoryFile) }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    private func place(_ findings: [Diagnostic], into testCase: inout Case, strict: Bool) {
        for finding in findings {
            if finding.severity == .error || (strict && finding.severity == .warning) { testCase.failures.append(finding) }
            else { testCase.output.append(finding) }
        }
    }

    private func render(_ testCase: Case, file: String) -> String {
        let open = "    <testcase name=\"\(XMLText.escape(testCase.name))\" classname=\"\(XMLText.escape(testCase.classname))\" file=\"\(XMLText.escape(file))\" time=\"0\""
        if testCase.failures.isEmpty && testCase.output.isEmpty && testCase.skipped == nil { return open + "/>\n" }
        var xml = open + ">\n"
        if let reason = testCase.skipped { xml += "      <skipped message=\"\(XMLText.escape(reason))\"/>\n" }
        if let first = testCase.failures.first {
            // JUnit allows one <failure> per case: the first message is the summary, the body has all.
            let body = testCase.failures.map(describe).joined(separator: "\n\n")
            xml += "      <failure message=\"\(XMLText.escape(first.message))\" type=\"\(first.severity.rawValue)\">\(XMLText.escape(body))</failure>\n"
        }
        if !testCase.output.isEmpty {
            xml += "      <system-out>\(XMLText.escape(testCase.output.map(describe).joined(separator: "\n\n")))</system-out>\n"
        }
        return xml + "    </testcase>\n"
    }

    private func describe(_ diagnostic: Diagnostic) -> String {
        var text = diagnostic.location.map { "\($0): " } ?? ""
        text += "\(diagnostic.severity.rawValue)[\(ValidationReport.ruleID(of: diagnostic))]: \(diagnostic.message)"
        for related in diagnostic.related { text += "\n\(related.location): note: \(related.message)" }
        if let hint = diagnostic.hint { text += "\nhint: \(hint)" }
        return text
    }
}
