import K8sctlModel
import Yams

/// Ansible's `yaml` inventory plugin: top-level keys are groups, each with optional `hosts`
/// (patterns → variables), `children` (nested groups, same shape) and `vars`. Like Ansible it
/// skips (with a warning) keys it does not know and group entries that are not mappings.
struct YAMLInventoryParser {
    var file: String

    func parse(_ text: String, into graph: inout InventoryGraph) -> [Diagnostic] {
        var reader = YAMLValueReader(file: file)
        var diagnostics: [Diagnostic] = []
        do {
            guard let root = try reader.compose(text), !(root.scalar.map { YAMLValueReader.resolvePlain($0.string) == .null } ?? false) else {
                return [.error("parsed empty YAML file", at: SourceLocation(file: file, line: 1, column: 1),
                               hint: "an inventory needs at least `all:` with hosts")]
            }
            guard case .mapping = root else {
                return [.error("YAML inventory has invalid structure, it should be a mapping, got \(YAMLValueReader.kind(root))",
                               at: reader.location(of: root))]
            }
            let groups = try reader.pairs(of: root)
            if groups.contains(where: { $0.0.scalar?.string == "plugin" }) {
                return [.error("plugin configuration YAML file, not a YAML inventory", at: reader.location(of: root),
                               hint: "dynamic inventory plugins are not supported; export with `ansible-inventory -i SRC --list -y`")]
            }
            for (key, value) in groups {
                _ = try parseGroup(try reader.keyText(key), keyNode: key, value, &reader, &graph, &diagnostics)
            }
        } catch let failure as YAMLValueReader.Failure {
            diagnostics.append(.error(failure.message, at: failure.location ?? SourceLocation(file: file, line: 1, column: 1)))
        } catch let failure as InventoryGraph.Failure {
            diagnostics.append(.error(failure.message, at: SourceLocation(file: file, line: 1, column: 1)))
        } catch let failure as HostPattern.Failure {
            diagnostics.append(.error(failure.message, at: SourceLocation(file: file, line: 1, column: 1)))
        } catch {
            diagnostics.append(.error("\(error)", at: SourceLocation(file: file, line: 1, column: 1)))
        }
        return diagnostics
    }

    private static func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, node.tag.rawValue != Tag.Name.str.rawValue {
            return YAMLValueReader.resolvePlain(scalar.string) == .null
        }
        return false
    }

    private func parseGroup(_ name: String, keyNode: Node, _ node: Node, _ reader: inout YAMLValueReader,
                            _ graph: inout InventoryGraph, _ diagnostics: inout [Diagnostic]) throws -> String {
        let isNull = Self.isNull(node)
        guard isNull || node.mapping != nil else {
            diagnostics.append(.warning("skipping '\(name)' as this is not a valid group definition (Ansible skips it too)",
                                        at: reader.location(of: keyNode)))
            return name
        }
        let group = graph.addGroup(name, at: reader.location(of: keyNode))
        guard !isNull else { return group }
        for (keyNode, valueNode) in try reader.pairs(of: node) {
            let key = try reader.keyText(keyNode)
            var section = valueNode
            // A bare string under hosts/children/vars means {string: null}.
            if ["vars", "children", "hosts"].contains(key), case .scalar(let scalar) = valueNode, !Self.isNull(valueNode) {
                section = .mapping(Node.Mapping([(.scalar(Node.Scalar(scalar.string, Tag(.str), .plain, scalar.mark)), .scalar(Node.Scalar("", Tag(.null), .plain, scalar.mark)))]))
            }
            if Self.isNull(section) { continue }
            guard section.mapping != nil else {
                if ["vars", "children", "hosts"].contains(key) {
                    throw YAMLValueReader.Failure(message: "invalid \"\(key)\" entry for \"\(group)\" group, requires a mapping, found \(YAMLValueReader.kind(section)) instead",
                                                  location: reader.location(of: section))
                }
                diagnostics.append(.warning("skipping key (\(key)) in group (\(group)) as it is not a mapping",
                                            at: reader.location(of: keyNode)))
                continue
            }
            switch key {
            case "vars":
                for (varKey, varValue) in try reader.pairs(of: section) {
                    do {
                        try graph.setGroupVariable(group, try reader.keyText(varKey), try reader.value(of: varValue),
                                                   at: reader.location(of: varValue))
                    } catch let failure as InventoryGraph.Failure {
                        throw YAMLValueReader.Failure(message: failure.message, location: reader.location(of: varValue))
                    }
                }
            case "children":
                for (childKey, childValue) in try reader.pairs(of: section) {
                    let child = try parseGroup(try reader.keyText(childKey), keyNode: childKey, childValue, &reader, &graph, &diagnostics)
                    do { try graph.addChild(group, child) } catch let failure as InventoryGraph.Failure {
                        throw YAMLValueReader.Failure(message: failure.message, location: reader.location(of: childKey))
                    }
                }
            case "hosts":
                for (hostKey, hostValue) in try reader.pairs(of: section) {
                    guard case .string(let patternText) = try reader.value(of: hostKey) else {
                        throw YAMLValueReader.Failure(message: "host pattern must be a string; enclose integers/floats in quotation marks",
                                                      location: reader.location(of: hostKey))
                    }
                    let pattern: HostPattern
                    do { pattern = try HostPattern(patternText, limit: graph.hostLimit) } catch let failure as HostPattern.Failure {
                        throw YAMLValueReader.Failure(message: failure.message, location: reader.location(of: hostKey))
                    }
                    var variables: [(String, AnsibleValue, SourceLocation?)] = []
                    if !Self.isNull(hostValue) {
                        guard hostValue.mapping != nil else {
                            throw YAMLValueReader.Failure(message: "invalid data for host '\(patternText)', expected a mapping of variables, got \(YAMLValueReader.kind(hostValue))",
                                                          location: reader.location(of: hostValue))
                        }
                        for (varKey, varValue) in try reader.pairs(of: hostValue) {
                            variables.append((try reader.keyText(varKey), try reader.value(of: varValue), reader.location(of: varValue)))
                        }
                    }
                    for host in pattern.hostnames {
                        do { try graph.addHost(host, group: group, port: pattern.port, at: reader.location(of: hostKey)) } catch let failure as InventoryGraph.Failure {
                            throw YAMLValueReader.Failure(message: failure.message, location: reader.location(of: hostKey))
                        }
                        for (varKey, value, location) in variables { graph.setHostVariable(host, varKey, value, at: location) }
                    }
                }
            default:
                diagnostics.append(.warning("skipping unexpected key (\(key)) in group (\(group)), only \"vars\", \"children\" and \"hosts\" are valid",
                                            at: reader.location(of: keyNode)))
            }
        }
        return group
    }
}
