import Foundation
import K8sctlModel

/// Load-time checks of a parsed playbook: references, coverage of same-host needs, variables,
/// dependency cycles; and, separately, that every template a `render` step names exists.
public enum PlaybookChecker {
    public static func check(_ playbook: Playbook) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let byName = Dictionary(playbook.steps.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let names = playbook.steps.map(\.name)
        for step in playbook.steps {
            for need in step.needs {
                guard let needed = byName[need.step] else {
                    diagnostics.append(.error("step '\(step.name)' needs '\(need.step)', which \(playbook.operation.rawValue) does not define",
                                              at: need.location, hint: NearestName.hint(for: need.step, in: names)))
                    continue
                }
                if need.scope == .sameHost {
                    if needed.once {
                        diagnostics.append(.error("step '\(step.name)' needs '\(need.step)' on the same host, but '\(need.step)' runs once",
                                                  at: need.location, hint: "write '\(need.step)@first'"))
                    } else if !step.on.isCovered(by: needed.on) {
                        diagnostics.append(.error("step '\(step.name)' (on \(step.on.rawValue)) needs '\(need.step)' on the same host, but '\(need.step)' runs on \(needed.on.rawValue) hosts only",
                                                  at: need.location, hint: "write '\(need.step)@all' to wait for every \(needed.on.rawValue) host"))
                    }
                }
                if need.step == step.name && need.scope != .previous && need.scope != .first {
                    diagnostics.append(.error("step '\(step.name)' needs itself", at: need.location,
                                              hint: "only '\(step.name)@previous' (the same step on the host before) is allowed"))
                }
            }
            diagnostics += variableProblems(in: step)
        }
        if let cycle = firstCycle(in: playbook) {
            let first = byName[cycle[0]]!
            diagnostics.append(.error("dependency cycle: " + (cycle + [cycle[0]]).joined(separator: " → "), at: first.location,
                                      hint: "remove one of these needs; steps must form a directed acyclic graph"))
        }
        return diagnostics
    }

    /// Unknown `{{variables}}` and list variables outside whole `argv` elements.
    static func variableProblems(in step: PlaybookStep) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let known = PlaybookVariable.allCases.map(\.rawValue)
        let argv = Set(step.action.argvParameters)
        for text in step.action.textParameters {
            for name in PlaybookVariable.references(in: text) {
                guard let variable = PlaybookVariable(rawValue: name) else {
                    diagnostics.append(.error("step '\(step.name)': unknown variable '{{\(name)}}'", at: step.location,
                                              hint: NearestName.hint(for: name, in: known)))
                    continue
                }
                if variable.isList && !(argv.contains(text) && text.trimmingCharacters(in: .whitespaces) == "{{\(name)}}") {
                    diagnostics.append(.error("step '\(step.name)': '{{\(name)}}' is a list and may only be a whole argv element", at: step.location))
                }
            }
        }
        return diagnostics
    }

    /// A cycle of step names through `needs` edges, or nil. `@previous` edges point at another host's
    /// instance (earlier in rollout order), so they cannot close a cycle by themselves and are left out;
    /// the planner checks the expanded graph as well.
    static func firstCycle(in playbook: Playbook) -> [String]? {
        let known = Set(playbook.steps.map(\.name))
        var edges: [String: [String]] = [:]
        for step in playbook.steps {
            edges[step.name] = step.needs.filter { $0.scope != .previous && known.contains($0.step) }.map(\.step)
        }
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        func visit(_ name: String) -> [String]? {
            state[name] = 1
            stack.append(name)
            for next in edges[name] ?? [] {
                if state[next] == 1 { return Array(stack[stack.firstIndex(of: next)!...]) }
                if state[next] == nil, let cycle = visit(next) { return cycle }
            }
            stack.removeLast()
            state[name] = 2
            return nil
        }
        for step in playbook.steps where state[step.name] == nil {
            if let cycle = visit(step.name) { return cycle }
        }
        return nil
    }

    /// `render` steps whose template is not a file in `templateDirectory` (as named, or with
    /// `.mustache` appended).
    public static func missingTemplates(in playbooks: [Playbook], templateDirectory: String) -> [Diagnostic] {
        let available = ((try? FileManager.default.contentsOfDirectory(atPath: templateDirectory)) ?? []).sorted()
        var diagnostics: [Diagnostic] = []
        for playbook in playbooks {
            for step in playbook.steps {
                guard case .render(let render) = step.action else { continue }
                if available.contains(render.template) || available.contains(render.template + ".mustache") { continue }
                diagnostics.append(.error("step '\(step.name)': template '\(render.template)' is not in \(templateDirectory)",
                                          at: step.location,
                                          hint: NearestName.closest(to: render.template, in: available).map { "did you mean '\($0)'?" }
                                              ?? "templates there: " + (available.isEmpty ? "none" : available.joined(separator: ", "))))
            }
        }
        return diagnostics
    }
}
