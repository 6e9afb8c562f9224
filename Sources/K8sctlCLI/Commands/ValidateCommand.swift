import ArgumentParser
import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlValidation

/// `k8sctl validate FILE [--previous FILE | --previous-git REV]`: the static checks, a CI/CD gate.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check an inventory, and a change against the previous one, before anything runs.",
        discussion: """
        Runs every rule of the catalog (`k8sctl rules`) and reports all findings in one run.
        With --previous or --previous-git the change rules run too: etcd quorum across the
        change, data loss, upgrade paths.
        Formats: text (default), json, junit, sarif, github (workflow annotations).
        Exit codes: 0 no errors (warnings allowed unless --strict), 1 refused, 2 unusable input.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, junit, sarif, github }

    @Argument(help: "The inventory to validate (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Option(name: .long, help: ArgumentHelp("The inventory applied last.", valueName: "file"))
    var previous: String?

    @Option(name: .customLong("previous-git"),
            help: ArgumentHelp("Take the previous inventory from a git revision: `git show REV:<path in repo>`.", valueName: "rev"))
    var previousGit: String?

    @Option(name: [.short, .long], help: "Output format: text, json, junit, sarif or github.")
    var format: Format = .text

    @Flag(name: .long, help: "Refuse on warnings too.")
    var strict = false

    @Option(name: [.short, .long], help: ArgumentHelp("Write the report to a file instead of stdout.", valueName: "file"))
    var output: String?

    func validate() throws {
        if previous != nil && previousGit != nil {
            throw ValidationError("--previous and --previous-git are exclusive: give the previous inventory one way")
        }
    }

    func run() throws {
        let loader = InventoryLoader()
        let desired = loader.load(path: inventory)
        var inputDiagnostics = desired.diagnostics
        var previousCluster: Cluster?
        var previousSource: String?
        var unusable = desired.cluster == nil
        // Source text by file name, for excerpts under each finding (a git revision is no file on disk).
        var texts: [String: String] = [:]
        texts[inventory] = desired.sourceText

        if let previous {
            let result = loader.load(path: previous)
            inputDiagnostics += result.diagnostics
            previousCluster = result.cluster
            previousSource = previous
            texts[previous] = result.sourceText
            unusable = unusable || result.cluster == nil
        } else if let revision = previousGit {
            do {
                let (text, label) = try GitRevisionReader().read(path: inventory, revision: revision)
                let result = loader.load(text: text, file: label)
                inputDiagnostics += result.diagnostics
                previousCluster = result.cluster
                previousSource = label
                texts[label] = text
                unusable = unusable || result.cluster == nil
            } catch GitRevisionReader.Failure.absentAtRevision(let revision, let path) {
                // A new inventory has no previous state: validate it alone, and say so.
                inputDiagnostics.append(.warning("\(path) does not exist at \(revision): validating without the previous inventory (change rules skipped)",
                                                 at: SourceLocation(file: inventory, line: 1, column: 1)))
            } catch {
                CommandContext.printError("\(error)")
                throw CommandContext.unusableInput
            }
        }

        let report: ValidationReport
        if unusable || desired.cluster == nil {
            report = ValidationReport(diagnostics: inputDiagnostics, checkedRules: [], inventoryFile: inventory,
                                      previousSource: previousSource, strict: strict, toolVersion: K8sctlVersion.current)
        } else {
            report = Validator().report(for: ValidationInput(previous: previousCluster, desired: desired.cluster!),
                                        inputDiagnostics: inputDiagnostics, inventoryFile: inventory,
                                        previousSource: previousSource, strict: strict, toolVersion: K8sctlVersion.current)
        }

        let sources = texts
        let colored = output == nil && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let formatter = OutputFormat(rawValue: format.rawValue)!.formatter(sourceLines: { file in
            let text = sources[file] ?? (try? String(contentsOfFile: file, encoding: .utf8))
            return text?.split(separator: "\n", omittingEmptySubsequences: false)
        }, colored: colored)
        try CommandContext.emit(formatter.format(report), to: output)

        if unusable { throw CommandContext.unusableInput }
        if !report.passed { throw CommandContext.refused }
    }
}
