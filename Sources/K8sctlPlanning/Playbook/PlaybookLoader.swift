import Foundation
import K8sctlModel
import Yams

/// The playbooks a plan is built from, one per operation.
public struct PlaybookSet: Sendable, Hashable {
    public var playbooks: [PlaybookOperation: Playbook]
    public init(_ playbooks: [Playbook]) {
        var byOperation: [PlaybookOperation: Playbook] = [:]
        for playbook in playbooks { byOperation[playbook.operation] = playbook }
        self.playbooks = byOperation
    }
    public subscript(operation: PlaybookOperation) -> Playbook? { playbooks[operation] }
}

/// What loading a playbook directory produced: the playbooks (nil when any error was found) and
/// every finding with its file:line:col.
public struct PlaybookLoadResult: Sendable {
    public var playbooks: PlaybookSet?
    public var diagnostics: [Diagnostic]
}

/// Loads `playbooks/*.yaml` and checks them: unknown actions, keys, roles, checks and variables,
/// `needs` that name no step, same-host needs that some hosts could not satisfy, dependency cycles
/// (printed `a → b → c → a`), and, given a template directory, render steps whose template is missing.
/// Collects every problem instead of stopping at the first.
public struct PlaybookLoader: Sendable {
    public init() {}

    /// Loads every `*.yaml` file of `directory`.
    /// - Parameter templateDirectory: when set, each `render` step's template must exist there.
    public func load(directory: String, templateDirectory: String? = nil) -> PlaybookLoadResult {
        let url = URL(fileURLWithPath: directory)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return PlaybookLoadResult(playbooks: nil, diagnostics: [
                .error("cannot read playbook directory \(directory)", at: nil, hint: "pass an existing directory with --playbooks"),
            ])
        }
        var playbooks: [Playbook] = []
        var diagnostics: [Diagnostic] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = url.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(.error("cannot read \(path) as UTF-8 text", at: nil))
                continue
            }
            let (playbook, found) = parse(text: text, file: path)
            diagnostics += found
            if let playbook { playbooks.append(playbook) }
        }
        var seen: [PlaybookOperation: String] = [:]
        for playbook in playbooks {
            if let other = seen[playbook.operation] {
                diagnostics.append(.error("operation '\(playbook.operation.rawValue)' is defined twice (also in \(other))",
                                          at: SourceLocation(file: playbook.file, line: 1, column: 1)))
            }
            seen[playbook.operation] = playbook.file
        }
        if let templateDirectory {
            diagnostics += PlaybookChecker.missingTemplates(in: playbooks, templateDirectory: templateDirectory)
        }
        return PlaybookLoadResult(playbooks: diagnostics.hasErrors ? nil : PlaybookSet(playbooks), diagnostics: diagnostics)
    }

    /// Parses and checks one playbook document (templates are not checked here).
    public func load(text: String, file: String) -> (playbook: Playbook?, diagnostics: [Diagnostic]) {
        let (playbook, diagnostics) = parse(text: text, file: file)
        return (diagnostics.hasErrors ? nil : playbook, diagnostics)
    }

    private func parse(text: String, file: String) -> (Playbook?, [Diagnostic]) {
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                return (nil, [.error("empty playbook", at: SourceLocation(file: file, line: 1, column: 1))])
            }
            root = composed
        } catch let error as YamlError {
            return (nil, [Self.diagnostic(for: error, file: file)])
        } catch {
            return (nil, [.error("not YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))])
        }
        var reader = PlaybookNodeReader(root, file: file, what: "playbook")
        guard reader.isMapping else { return (nil, reader.diagnostics) }
        let operation = reader.choice("operation", PlaybookOperation.self, required: true)
        let summary = reader.string("summary") ?? ""
        var steps: [PlaybookStep] = []
        var diagnostics: [Diagnostic] = []
        if let stepsNode = reader.value("steps") {
            if case .sequence(let sequence) = stepsNode {
                for (index, node) in sequence.enumerated() {
                    let (step, found) = parseStep(node, index: index, file: file)
                    diagnostics += found
                    if let step { steps.append(step) }
                }
            } else {
                diagnostics.append(.error("playbook: 'steps' must be a list", at: reader.location(stepsNode)))
            }
        } else {
            diagnostics.append(.error("playbook: missing required key 'steps'", at: reader.here))
        }
        diagnostics = reader.diagnostics + reader.unknownKeys(allowed: ["operation", "summary", "steps"]) + diagnostics
        var seen: [String: SourceLocation] = [:]
        for step in steps {
            if let first = seen[step.name] {
                diagnostics.append(Diagnostic(severity: .error, message: "step '\(step.name)' is defined twice", location: step.location,
                                              related: [RelatedLocation(location: first, message: "first defined here")]))
            }
            seen[step.name] = step.location
        }
        guard let operation else { return (nil, diagnostics) }
        let playbook = Playbook(operation: operation, summary: summary, steps: steps, file: file)
        diagnostics += PlaybookChecker.check(playbook)
        return (playbook, diagnostics)
    }

    private func parseStep(_ node: Node, index: Int, file: String) -> (PlaybookStep?, [Diagnostic]) {
        var reader = PlaybookNodeReader(node, file: file, what: "step \(index + 1)")
        guard reader.isMapping else { return (nil, reader.diagnostics) }
        let name = reader.string("name", required: true)
        if let name { reader.what = "step '\(name)'" }
        let on = reader.choice("on", RoleSelector.self, required: true)
        let once = reader.bool("once") ?? false
        var conditions: [StepCondition] = []
        for (text, location) in reader.strings("when") ?? [] {
            if let condition = StepCondition(rawValue: text) { conditions.append(condition) } else {
                reader.diagnostics.append(.error("\(reader.what): unknown condition '\(text)' in when", at: location,
                                                 hint: NearestName.hint(for: text, in: StepCondition.allCases.map(\.rawValue))))
            }
        }
        var needs: [StepNeed] = []
        for (text, location) in reader.strings("needs") ?? [] {
            let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let scopeText = parts.count == 2 ? parts[1] : ""
            guard let scope = StepNeed.Scope(rawValue: scopeText), scopeText != "" || parts.count == 1, !parts[0].isEmpty else {
                reader.diagnostics.append(.error("\(reader.what): need '\(text)' has an unknown scope '@\(scopeText)'", at: location,
                                                 hint: "write STEP (same host), STEP@local, STEP@all, STEP@previous or STEP@first"))
                continue
            }
            needs.append(StepNeed(step: parts[0], scope: scope, location: location))
        }
        var action: StepAction?
        var allowed = ActionParameters.commonKeys
        if let kindText = reader.string("action", required: true) {
            if let kind = ActionKind(rawValue: kindText) {
                allowed += ActionParameters.keys[kind] ?? []
                action = ActionParameters.parse(kind, from: &reader)
            } else {
                reader.diagnostics.append(.error("\(reader.what): unknown action '\(kindText)'", at: reader.location(reader.value("action")),
                                                 hint: NearestName.hint(for: kindText, in: ActionKind.allCases.map(\.rawValue))))
                // Parameters of an unknown action cannot be checked; don't pile on.
                allowed += reader.entries.map(\.key)
            }
        }
        let diagnostics = reader.diagnostics + reader.unknownKeys(allowed: allowed)
        guard let name, let on, let action else { return (nil, diagnostics) }
        return (PlaybookStep(name: name, on: on, once: once, when: conditions, needs: needs, action: action,
                             location: reader.here), diagnostics)
    }

    private static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return .error("not valid YAML: \(problem)", at: at(mark))
        case let .duplicatedKeysInMapping(duplicates, context):
            return .error("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))", at: at(context.mark))
        default:
            return .error("not valid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }
}
