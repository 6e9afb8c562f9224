import K8sctlModel
import Yams

/// Reads one YAML mapping of a playbook with typed accessors that report (never throw) and
/// remember which keys were read, so `unknownKeys()` can point at the rest.
struct PlaybookNodeReader {
    let file: String
    let node: Node
    var what: String
    private(set) var entries: [(key: String, keyNode: Node, value: Node)] = []
    private var read: Set<String> = []
    var diagnostics: [Diagnostic] = []

    init(_ node: Node, file: String, what: String) {
        self.file = file
        self.node = node
        self.what = what
        if case .mapping(let mapping) = node {
            for (key, value) in mapping { entries.append((key.string ?? "", key, value)) }
        } else {
            diagnostics.append(.error("\(what) must be a mapping (key: value)", at: location(node)))
        }
    }

    var isMapping: Bool { if case .mapping = node { true } else { false } }

    func location(_ node: Node?) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1)
    }

    var here: SourceLocation { location(node) }

    mutating func value(_ key: String) -> Node? {
        read.insert(key)
        return entries.first { $0.key == key }?.value
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let found = value(key) else {
            if required { diagnostics.append(.error("\(what): missing required key '\(key)'", at: here)) }
            return nil
        }
        guard case .scalar(let scalar) = found else {
            diagnostics.append(.error("\(what): '\(key)' must be a string", at: location(found)))
            return nil
        }
        return scalar.string
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let found = value(key) else { return nil }
        guard let flag = found.bool else {
            diagnostics.append(.error("\(what): '\(key)' must be true or false", at: location(found)))
            return nil
        }
        return flag
    }

    /// A list of strings; a single string counts as a list of one.
    mutating func strings(_ key: String, required: Bool = false) -> [(String, SourceLocation)]? {
        guard let found = value(key) else {
            if required { diagnostics.append(.error("\(what): missing required key '\(key)'", at: here)) }
            return nil
        }
        switch found {
        case .scalar(let scalar): return [(scalar.string, location(found))]
        case .sequence(let sequence):
            var result: [(String, SourceLocation)] = []
            for element in sequence {
                guard case .scalar(let scalar) = element else {
                    diagnostics.append(.error("\(what): '\(key)' must be a list of strings", at: location(element)))
                    continue
                }
                result.append((scalar.string, location(element)))
            }
            return result
        default:
            diagnostics.append(.error("\(what): '\(key)' must be a list of strings", at: location(found)))
            return nil
        }
    }

    /// A value of a string enum, with did-you-mean.
    mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = false) -> E? where E.RawValue == String {
        guard let text = string(key, required: required) else { return nil }
        if let parsed = E(rawValue: text) { return parsed }
        let choices = E.allCases.map(\.rawValue)
        diagnostics.append(.error("\(what): '\(key)' is '\(text)', not one of \(choices.joined(separator: ", "))",
                                  at: location(value(key)), hint: NearestName.hint(for: text, in: choices)))
        return nil
    }

    /// Keys present but never read: misspellings or parameters of another action.
    func unknownKeys(allowed: [String]) -> [Diagnostic] {
        entries.filter { !read.contains($0.key) }.map { entry in
            .error("\(what): unknown key '\(entry.key)'", at: location(entry.keyNode),
                   hint: NearestName.hint(for: entry.key, in: allowed.sorted()))
        }
    }
}
