import K8sctlModel
import Yams

/// Collects findings and source positions while a document is mapped onto the model.
final class LoadContext {
    let document: YAMLDocument
    var diagnostics: [Diagnostic] = []
    var sourceMap: SourceMap

    init(document: YAMLDocument) {
        self.document = document
        self.sourceMap = SourceMap(file: document.file)
        // At most one position per value node (about half the nodes: keys are nodes too), sized
        // once instead of rehashed as it grows (~40,000 entries for 5,000 hosts).
        sourceMap.reserveCapacity(document.nodeCount / 2 + 16)
    }

    func error(_ message: String, at node: Node?, hint: String? = nil) {
        diagnostics.append(.error(message, at: document.location(mark: node?.mark), hint: hint))
    }

    func warning(_ message: String, at node: Node?, hint: String? = nil) {
        diagnostics.append(.warning(message, at: document.location(mark: node?.mark), hint: hint))
    }

    func record(_ path: String, _ node: Node) {
        sourceMap.record(path, document.location(of: node))
    }
}

/// Reads one YAML mapping with typed accessors. Every accessor records the value's position under
/// its document path, reports wrong types instead of throwing, and marks the key as known;
/// `finish()` reports the keys nobody asked for, with a "did you mean" for near misses.
struct MappingReader {
    let context: LoadContext
    let node: Node
    let path: String
    /// The entries as three parallel arrays: looking a key up compares strings only, where an
    /// array of (key, keyNode, value) tuples copied (retained) each entry it passed.
    private let keyNames: [String]
    private let keyNodes: [Node]
    private let valueNodes: [Node]
    private var known: [String] = []

    /// Returns nil (and reports) when `node` is not a mapping.
    init?(_ node: Node, path: String, context: LoadContext, what: String) {
        guard case .mapping(let mapping) = node else {
            context.error("\(what) must be a mapping (key: value), found \(MappingReader.describe(node))", at: node)
            return nil
        }
        self.context = context
        self.node = node
        self.path = path
        var keyNames: [String] = [], keyNodes: [Node] = [], valueNodes: [Node] = []
        keyNames.reserveCapacity(mapping.count)
        keyNodes.reserveCapacity(mapping.count)
        valueNodes.reserveCapacity(mapping.count)
        // By index: Yams' `Node.Mapping.makeIterator()` first copies every pair into a new array.
        for index in mapping.indices {
            let (key, value) = mapping[index]
            guard case .scalar(let scalar) = key else {
                context.error("keys must be plain strings", at: key)
                continue
            }
            keyNames.append(scalar.string)
            keyNodes.append(key)
            valueNodes.append(value)
        }
        self.keyNames = keyNames
        self.keyNodes = keyNodes
        self.valueNodes = valueNodes
        context.record(path, node)
    }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw value for `key`, marking it known. `null` counts as absent.
    mutating func value(_ key: String) -> Node? {
        known.append(key)
        guard let index = keyNames.firstIndex(of: key) else { return nil }
        let value = valueNodes[index]
        if Self.isAbsent(value) { return nil }
        context.record(childPath(key), value)
        return value
    }

    mutating func has(_ key: String) -> Bool {
        // Asked again after reading the value (`name`, `address`): its position is already recorded.
        if known.contains(key), let index = keyNames.firstIndex(of: key) {
            known.append(key)  // as `value(_:)` does: the "known keys" hint lists every ask
            return !Self.isAbsent(valueNodes[index])
        }
        return value(key) != nil
    }

    /// `null`, `~` or an empty plain scalar: a key written without a value counts as absent.
    private static func isAbsent(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node, node.null != nil || (scalar.string.isEmpty && scalar.style == .plain) { return true }
        return false
    }

    /// Whether `key` is written at all, with a `null` value too (`has` counts `null` as absent).
    mutating func declares(_ key: String) -> Bool {
        known.append(key)
        return keyNames.contains(key)
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let node = value(key) else {
            if required { context.error("missing required key '\(childPath(key))'", at: self.node) }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            context.error("'\(childPath(key))' must be a string, found \(MappingReader.describe(node))", at: node)
            return nil
        }
        return scalar.string
    }

    mutating func int(_ key: String, range: ClosedRange<Int>? = nil) -> Int? {
        guard let node = value(key) else { return nil }
        guard let number = node.checkedInt, case .scalar(let scalar) = node, scalar.style == .plain else {
            context.error("'\(childPath(key))' must be an integer, found \(MappingReader.describe(node))", at: node)
            return nil
        }
        if let range, !range.contains(number) {
            context.error("'\(childPath(key))' is \(number), expected \(range.lowerBound)…\(range.upperBound)", at: node)
            return nil
        }
        return number
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let node = value(key) else { return nil }
        guard let flag = node.bool, case .scalar(let scalar) = node, scalar.style == .plain else {
            context.error("'\(childPath(key))' must be true or false, found \(MappingReader.describe(node))", at: node)
            return nil
        }
        return flag
    }

    /// A string parsed by `parse`, reporting `expected` when it fails.
    mutating func parsed<T>(_ key: String, expected: String, hint: String? = nil, _ parse: (String) -> T?) -> T? {
        guard let node = value(key) else { return nil }
        guard case .scalar(let scalar) = node else {
            context.error("'\(childPath(key))' must be \(expected), found \(MappingReader.describe(node))", at: node)
            return nil
        }
        guard let result = parse(scalar.string) else {
            context.error("'\(childPath(key))': '\(scalar.string)' is not \(expected)", at: node, hint: hint)
            return nil
        }
        return result
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E? where E.RawValue == String {
        let choices = E.allCases.map(\.rawValue)
        return parsed(key, expected: "one of \(choices.joined(separator: ", "))",
                      hint: NearestName.closest(to: (value(key)?.string ?? ""), in: choices).map { "did you mean '\($0)'?" }) { E(rawValue: $0) }
    }

    mutating func mapping(_ key: String) -> MappingReader? {
        guard let node = value(key) else { return nil }
        return MappingReader(node, path: childPath(key), context: context, what: "'\(childPath(key))'")
    }

    /// A mapping of string to scalar (labels, extraArgs). Numbers and booleans are kept as written.
    mutating func stringMap(_ key: String) -> [String: String] {
        guard var reader = mapping(key) else { return [:] }
        var result: [String: String] = [:]
        for entry in reader.keys {
            reader.known.append(entry.key)
            guard case .scalar(let scalar) = entry.value else {
                context.error("'\(reader.childPath(entry.key))' must be a string, found \(MappingReader.describe(entry.value))", at: entry.value)
                continue
            }
            context.record(reader.childPath(entry.key), entry.value)
            result[entry.key] = scalar.string
        }
        return result
    }

    mutating func sequence(_ key: String) -> [Node]? {
        guard let node = value(key) else { return nil }
        guard case .sequence(let sequence) = node else {
            context.error("'\(childPath(key))' must be a list, found \(MappingReader.describe(node))", at: node)
            return nil
        }
        return Array(sequence)
    }

    /// All keys of this mapping, in document order (for maps whose keys are data).
    var keys: [(key: String, keyNode: Node, value: Node)] { keyNames.indices.map { (keyNames[$0], keyNodes[$0], valueNodes[$0]) } }

    /// Marks every key as known: for mappings whose keys are data, not schema.
    mutating func acceptAllKeys() { known.append(contentsOf: keyNames) }

    /// Reports keys that were never read.
    func finish() {
        for index in keyNames.indices where !known.contains(keyNames[index]) {
            let key = keyNames[index]
            let suggestion = NearestName.closest(to: key, in: known)
            context.error("unknown key '\(key)' in '\(path.isEmpty ? "document" : path)'", at: keyNodes[index],
                          hint: suggestion.map { "did you mean '\($0)'?" } ?? "known keys: \(known.joined(separator: ", "))")
        }
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return "null" }
                if node.checkedInt != nil { return "the integer \(scalar.string)" }
                if node.bool != nil { return "the boolean \(scalar.string)" }
                if node.float != nil { return "the number \(scalar.string)" }
            }
            return "the string '\(scalar.string)'"
        }
    }
}
