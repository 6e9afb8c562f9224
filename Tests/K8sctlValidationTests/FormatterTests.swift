import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlValidation

@Suite("Pipeline formats are read back by real parsers")
struct FormatterTests {
    @Test func sarif_isValidAgainstTheSARIF210Schema() throws {
        let sarif = SARIFReportFormatter().format(SampleChange.report())
        let path = try SampleChange.temporaryFile(sarif, suffix: ".sarif")
        let schema = RepositoryPaths.fixtures.appendingPathComponent("sarif-schema-2.1.0.json").path
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        log = json.load(open(sys.argv[2]))
        errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda e: list(e.path))
        for error in errors: print("/".join(map(str, error.path)), error.message)
        sys.exit(1 if errors else 0)
        """
        let output = try SampleChange.python(script, [schema, path])
        #expect(output.succeeded, "schema errors: \(output.stdout) \(output.stderr)")
    }

    @Test func sarif_schemaCheck_rejectsABrokenLog() throws {
        // The check above must be able to fail: a level outside the enumeration is refused.
        let broken = SARIFReportFormatter().format(SampleChange.report()).replacingOccurrences(of: "\"level\" : \"error\"", with: "\"level\" : \"fatal\"")
        let path = try SampleChange.temporaryFile(broken, suffix: ".sarif")
        let schema = RepositoryPaths.fixtures.appendingPathComponent("sarif-schema-2.1.0.json").path
        let output = try SampleChange.python(
            "import json, sys, jsonschema\njsonschema.Draft4Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))",
            [schema, path])
        #expect(!output.succeeded)
    }

    @Test func sarif_resultsCarryRulesLocationsAndHelp() throws {
        let report = SampleChange.report()
        let path = try SampleChange.temporaryFile(SARIFReportFormatter().format(report), suffix: ".sarif")
        let script = """
        import json, sys
        run = json.load(open(sys.argv[1]))["runs"][0]
        rules = run["tool"]["driver"]["rules"]
        ids = [r["id"] for r in rules]
        assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
        for result in run["results"]:
            assert ids[result["ruleIndex"]] == result["ruleId"], result
            loc = result["locations"][0]["physicalLocation"]
            assert loc["artifactLocation"]["uri"] and loc["region"]["startLine"] >= 1, loc
        quorum = [r for r in run["results"] if r["ruleId"] == "K8S-DATALOSS-007"][0]
        print(len(rules), len(run["results"]), quorum["locations"][0]["physicalLocation"]["region"]["startLine"],
              quorum["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        """
        let output = try SampleChange.python(script, [path])
        #expect(output.succeeded, "\(output.stderr)")
        let fields = output.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(fields.count == 4)
        #expect(fields.first == String(RuleCatalog.standard.rules.count))
        #expect(fields.count == 4 && fields[1] == String(report.diagnostics.count))
        #expect(fields.count == 4 && fields[2] == String(SampleChange.line(of: "name: cp2", in: SampleChange.desiredText)))
        #expect(fields.last == SampleChange.previousFile)
    }

    @Test(arguments: [false, true])
    func junit_isWellFormedAndCountsAgree(strict: Bool) throws {
        let report = SampleChange.report(strict: strict)
        let path = try SampleChange.temporaryFile(JUnitReportFormatter().format(report), suffix: ".xml")
        let lint = try ProcessRunner.run("xmllint", ["--noout", path])
        #expect(lint.succeeded, "\(lint.stderr)")
        let script = """
        import sys, xml.etree.ElementTree as ET
        root = ET.parse(sys.argv[1]).getroot()
        assert root.tag == "testsuites"
        cases = root.findall("./testsuite/testcase")
        failed = [c for c in cases if c.find("failure") is not None]
        skipped = [c for c in cases if c.find("skipped") is not None]
        assert int(root.get("tests")) == len(cases), (root.get("tests"), len(cases))
        assert int(root.get("failures")) == len(failed)
        assert int(root.get("skipped")) == len(skipped)
        for suite in root.findall("testsuite"):
            assert int(suite.get("tests")) == len(suite.findall("testcase"))
            assert int(suite.get("failures")) == len([c for c in suite.findall("testcase") if c.find("failure") is not None])
        for case in cases:
            assert case.get("name") and case.get("classname"), case.attrib
        print(len(cases), len(failed), " ".join(sorted(c.get("name") for c in failed)))
        """
        let output = try SampleChange.python(script, [path])
        #expect(output.succeeded, "\(output.stderr)")
        let words = output.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        // One case per rule without findings, one per rule × subject with findings.
        let subjects = Set(report.diagnostics.map { "\($0.ruleID!) \($0.subject!)" })
        let quietRules = RuleCatalog.standard.rules.filter { rule in !report.diagnostics.contains { $0.ruleID == rule.id } }
        #expect(words.first == String(subjects.count + quietRules.count))
        let failing = Set(report.refusing.map { "\($0.ruleID!) \($0.subject!)" })
        #expect(words.count > 1 && words[1] == String(failing.count))
        #expect(output.stdout.contains("K8S-DATALOSS-007 cp2"))
        // The even-membership warning fails only under --strict.
        #expect(output.stdout.contains("K8S-TOPOLOGY-003") == strict)
    }

    @Test func junit_escapesMarkupInMessages() throws {
        var report = SampleChange.report()
        report.diagnostics.append(Diagnostic(severity: .error, message: "a <b> & \"c\" \u{1B}[31m", location: nil,
                                             ruleID: "K8S-NETWORK-006", hint: "x", subject: "we<ird"))
        let path = try SampleChange.temporaryFile(JUnitReportFormatter().format(report), suffix: ".xml")
        let lint = try ProcessRunner.run("xmllint", ["--noout", path])
        #expect(lint.succeeded, "\(lint.stderr)")
    }

    @Test func junit_skipsChangeRulesWithoutPrevious() throws {
        let input = ValidationInput(desired: ClusterFixtures.ha3())
        let report = ValidationReport(diagnostics: Validator().validate(input), checkedRules: Validator().appliedRules(for: input),
                                      inventoryFile: "c.yaml", toolVersion: "0")
        let xml = JUnitReportFormatter().format(report)
        let skippedCount = xml.components(separatedBy: "<skipped ").count - 1
        #expect(skippedCount == RuleCatalog.standard.rules.filter(\.needsPrevious).count)
    }

    @Test func json_hasTheDocumentedSchema() throws {
        let report = SampleChange.report()
        let data = Data(JSONReportFormatter().format(report).utf8)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["schemaVersion"] as? Int == 1)
        #expect(document["verdict"] as? String == "refused")
        #expect(document["inventory"] as? String == SampleChange.desiredFile)
        #expect(document["previous"] as? String == SampleChange.previousFile)
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["errors"] as? Int == report.diagnostics.errors.count)
        #expect(summary["warnings"] as? Int == report.diagnostics.warnings.count)
        let entries = try #require(document["diagnostics"] as? [[String: Any]])
        #expect(entries.count == report.diagnostics.count)
        for entry in entries {
            #expect(entry["ruleId"] is String && entry["severity"] is String && entry["message"] is String)
            let location = try #require(entry["location"] as? [String: Any])
            #expect(location["file"] is String && location["line"] is Int && location["column"] is Int)
        }
    }

    @Test func github_annotationsEscapeAndCarryPositions() throws {
        let report = SampleChange.report()
        let lines = GitHubAnnotationFormatter().format(report).split(separator: "\n")
        #expect(lines.count == report.diagnostics.count)
        let line = try #require(lines.first { $0.contains("title=K8S-DATALOSS-007") })
        let cp2Line = SampleChange.line(of: "name: cp2", in: SampleChange.desiredText)
        #expect(line.hasPrefix("::error file=\(SampleChange.desiredFile),line=\(cp2Line),col="))
        #expect(line.contains("%0Ahint: "))
        #expect(!line.dropFirst(2).contains("\n"))
        #expect(GitHubAnnotationFormatter.escapeProperty("a,b:c%\r\nd") == "a%2Cb%3Ac%25%0D%0Ad")
        #expect(GitHubAnnotationFormatter.escapeData("50%\r\nok") == "50%25%0D%0Aok")
    }

    @Test func text_showsPositionRuleSourceLineCaretAndHint() throws {
        let report = SampleChange.report()
        let desired = SampleChange.desiredText, previous = SampleChange.previousText
        let formatter = OutputFormat.text.formatter(sourceLines: { file in
            (file == SampleChange.desiredFile ? desired : file == SampleChange.previousFile ? previous : "")
                .split(separator: "\n", omittingEmptySubsequences: false)
        })
        let text = formatter.format(report)
        let cp2Line = SampleChange.line(of: "name: cp2", in: desired)
        #expect(text.contains("\(SampleChange.desiredFile):\(cp2Line):"))
        #expect(text.contains("error[K8S-DATALOSS-007]: host cp2 moves from 10.0.0.12 to 10.0.0.42"))
        #expect(text.contains("name: cp2, address: 10.0.0.42"))
        #expect(text.contains("^"))
        #expect(text.contains("hint: Restore the address"))
        #expect(text.hasSuffix("refused\n"))
    }
}
