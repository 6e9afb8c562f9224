import ArgumentParser
import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlRendering

/// What every command needs around the core: loading inventories, printing diagnostics, exit codes.
enum CommandContext {
    /// Exit codes shared by all commands (README "Exit codes").
    static let refused = ExitCode(1)
    static let unusableInput = ExitCode(2)

    /// Loads a native inventory; prints every diagnostic; exits 2 when it is unusable.
    static func loadCluster(path: String, quietWarnings: Bool = false) throws -> Cluster {
        let (document, parseDiagnostics) = YAMLDocument.parse(path: path)
        // The node tree is not needed after loading; freeing it node by node is left to exit.
        if let document { ExitReclaim.keep(document) }
        let result = document.map { InventoryLoader().load(document: $0) }
            ?? InventoryLoadResult(cluster: nil, diagnostics: parseDiagnostics)
        let shown = quietWarnings ? result.diagnostics.errors : result.diagnostics
        if !shown.isEmpty { printDiagnostics(shown, sourceText: result.sourceText, file: path) }
        guard let cluster = result.cluster else {
            let count = result.diagnostics.errors.count
            printError("\(path): \(count) error\(count == 1 ? "" : "s"); nothing was changed")
            throw unusableInput
        }
        return cluster
    }

    /// The templates: `--templates`, else `$K8SCTL_TEMPLATES`, else found next to the executable
    /// (docs/rendering.md). Exits 2 when none are usable.
    static func loadTemplates(explicit directory: String?) throws -> TemplateLibrary {
        do {
            return try TemplateLibrary(locator: TemplateLocator(explicitDirectory: directory))
        } catch {
            printError("\(error)")
            throw unusableInput
        }
    }

    /// How many diagnostics `printDiagnostics` shows. A range line such as `w[1:20000]` without
    /// addresses is one mistake reported once per host; a screenful says it, and thousands of
    /// excerpts only bury the summary line after them.
    static let shownDiagnosticsLimit = 200

    /// Prints diagnostics to stderr with source excerpts: the first `shownDiagnosticsLimit`, then
    /// how many more errors and warnings there were.
    static func printDiagnostics(_ diagnostics: [Diagnostic], sourceText: String? = nil, file: String? = nil) {
        let formatter = diagnosticFormatter(knownText: sourceText, for: file)
        let shown = diagnostics.prefix(shownDiagnosticsLimit)
        var text = formatter.format(Array(shown)) + "\n"
        let hidden = diagnostics.dropFirst(shownDiagnosticsLimit)
        if !hidden.isEmpty {
            let errors = hidden.filter { $0.severity == .error }.count
            text += "… and \(hidden.count) more not shown (\(errors) error\(errors == 1 ? "" : "s"), \(hidden.count - errors) other)\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func diagnosticFormatter(knownText: String? = nil, for file: String? = nil) -> DiagnosticTextFormatter {
        let colored = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        return DiagnosticTextFormatter(colored: colored) { requested in
            if let knownText, requested == file { return knownText.split(separator: "\n", omittingEmptySubsequences: false) }
            guard let data = FileManager.default.contents(atPath: requested),
                  let text = String(data: data, encoding: .utf8) else { return nil }
            return text.split(separator: "\n", omittingEmptySubsequences: false)
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("k8sctl: \(message)\n".utf8))
    }

    /// Writes `text` to `path`, or to stdout when `path` is nil or `-`.
    static func emit(_ text: String, to path: String?) throws {
        guard let path, path != "-" else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            printError("cannot write \(path): \(error.localizedDescription)")
            throw unusableInput
        }
    }
}
