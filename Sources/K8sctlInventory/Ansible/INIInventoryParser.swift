import Foundation
import K8sctlModel

/// Ansible's `ini` inventory plugin: `[group]` host lines with inline `key=value` variables,
/// `[group:children]`, `[group:vars]`, `#`/`;` comments, host ranges, and values typed with
/// Python's `literal_eval` (`1` int, `True` bool, `"x"` string, `yes` stays a string).
/// Stops at the first error, as Ansible does, reporting it with its line.
struct INIInventoryParser {
    var file: String

    private static let section = try! NSRegularExpression(pattern: #"^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$"#)
    private static let groupName = try! NSRegularExpression(pattern: #"^([^:\]\s]+)\s*(?:#.*)?$"#)

    private struct Pending {
        var line: Int
        var state: String
        var name: String
        var parents: [String] = []
    }

    func parse(_ text: String, into graph: inout InventoryGraph) -> [Diagnostic] {
        var groupName = "ungrouped"
        var state = "hosts"
        var pending: [String: Pending] = [:]
        var pendingOrder: [String] = []
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }

        for (offset, rawLine) in lines.enumerated() {
            let lineNumber = offset + 1
            let raw = String(rawLine)
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let first = line.first, first != "#", first != ";" else { continue }
            let indent = (raw.firstIndex { !$0.isWhitespace }.map { raw.distance(from: raw.startIndex, to: $0) } ?? 0) + 1
            let here = SourceLocation(file: file, line: lineNumber, column: indent)
            func fail(_ message: String, hint: String? = nil) -> [Diagnostic] {
                [.error(message, at: here, hint: hint)]
            }

            if let groups = Self.match(Self.section, line) {
                groupName = groups[1]
                state = groups[2].isEmpty ? "hosts" : groups[2]
                guard ["hosts", "children", "vars"].contains(state) else {
                    return fail("section [\(groups[1]):\(groups[2])] has unknown type: \(state)",
                                hint: "sections are [group], [group:children] or [group:vars]")
                }
                if graph.groups[groupName] == nil {
                    if state == "vars" && pending[groupName] == nil {
                        pending[groupName] = Pending(line: lineNumber, state: state, name: groupName)
                        pendingOrder.append(groupName)
                    }
                    graph.addGroup(groupName, at: here)
                }
                if let declared = pending[groupName], state != "vars" {
                    if declared.state == "children" {
                        do { try addPendingChildren(groupName, &pending, &graph) } catch {
                            return fail((error as? InventoryGraph.Failure)?.message ?? "\(error)")
                        }
                    } else if declared.state == "vars" {
                        pending[groupName] = nil
                    }
                }
                continue
            } else if line.hasPrefix("[") && line.hasSuffix("]") {
                return fail("invalid section entry: '\(line)'",
                            hint: "make sure there are no spaces in the section entry and no other invalid characters")
            }

            switch state {
            case "hosts":
                let tokens: [String]
                do { tokens = try ShellWords.split(line) } catch {
                    return fail("error parsing host definition '\(line)': \((error as? ShellWords.Failure)?.message ?? "\(error)")")
                }
                guard let patternText = tokens.first else { return fail("expected a host name, got: \(line)") }
                let pattern: HostPattern
                do { pattern = try HostPattern(patternText, limit: graph.hostLimit) } catch {
                    return fail((error as? HostPattern.Failure)?.message ?? "\(error)")
                }
                var variables: [(String, AnsibleValue, SourceLocation)] = []
                var searchFrom = raw.startIndex
                for token in tokens.dropFirst() {
                    guard let equals = token.firstIndex(of: "=") else {
                        return fail("expected key=value host variable assignment, got: \(token)")
                    }
                    let key = String(token[..<equals])
                    let value = String(token[token.index(after: equals)...])
                    var column = indent
                    if let found = raw.range(of: key + "=", range: searchFrom..<raw.endIndex) {
                        column = raw.distance(from: raw.startIndex, to: found.lowerBound) + 1
                        searchFrom = found.upperBound
                    }
                    variables.append((key, Self.typedValue(value), SourceLocation(file: file, line: lineNumber, column: column)))
                }
                for host in pattern.hostnames {
                    do { try graph.addHost(host, group: groupName, port: pattern.port, at: here) } catch {
                        return fail((error as? InventoryGraph.Failure)?.message ?? "\(error)")
                    }
                    for (key, value, location) in variables {
                        graph.setHostVariable(host, key, value, at: location)
                    }
                }
            case "vars":
                guard let equals = line.firstIndex(of: "=") else { return fail("expected key=value, got: \(line)") }
                let key = line[..<equals].trimmingCharacters(in: .whitespaces)
                let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                do { try graph.setGroupVariable(groupName, key, Self.typedValue(value), at: here) } catch {
                    return fail((error as? InventoryGraph.Failure)?.message ?? "\(error)")
                }
            default:  // children
                guard let groups = Self.match(Self.groupName, line) else { return fail("expected group name, got: \(line)") }
                let child = groups[1]
                if graph.groups[child] == nil {
                    if pending[child] == nil {
                        pending[child] = Pending(line: lineNumber, state: "children", name: child, parents: [groupName])
                        pendingOrder.append(child)
                    } else {
                        pending[child]!.parents.append(groupName)
                    }
                } else {
                    do { try graph.addChild(groupName, child) } catch {
                        return fail((error as? InventoryGraph.Failure)?.message ?? "\(error)")
                    }
                }
            }
        }

        for name in pendingOrder {
            guard let declared = pending[name] else { continue }
            let at = SourceLocation(file: file, line: declared.line, column: 1)
            if declared.state == "vars" {
                return [.error("section [\(declared.name):vars] not valid for undefined group '\(declared.name)'", at: at,
                               hint: "declare the group with [\(declared.name)] or list it under a [parent:children] section")]
            }
            return [.error("section [\(declared.parents.last ?? ""):children] includes undefined group '\(declared.name)'", at: at,
                           hint: "add a [\(declared.name)] section with its hosts")]
        }
        return []
    }

    private func addPendingChildren(_ group: String, _ pending: inout [String: Pending], _ graph: inout InventoryGraph) throws {
        guard let declared = pending[group] else { return }
        for parent in declared.parents {
            try graph.addChild(parent, group)
            if let parentDeclared = pending[parent], parentDeclared.state == "children" {
                try addPendingChildren(parent, &pending, &graph)
            }
        }
        pending[group] = nil
    }

    /// `_parse_value`: `literal_eval`, else the text itself.
    static func typedValue(_ text: String) -> AnsibleValue {
        PythonLiteral.evaluate(text) ?? .string(text)
    }

    private static func match(_ regex: NSRegularExpression, _ text: String) -> [String]? {
        guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return (0..<match.numberOfRanges).map { index in
            Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
        }
    }
}
