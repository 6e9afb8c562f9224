import Foundation
import K8sctlModel
import Yams

/// Reads YAML as Ansible's loader (PyYAML, YAML 1.1 rules) types it: `yes`/`on` are booleans,
/// `017` is octal, `1e3` is a string, `12:30` is sexagesimal 750, `!unsafe` marks a string that is
/// never templated, `<<` merges. Positions come from Yams' node marks. Alias expansion is budgeted:
/// a "billion laughs" document is refused instead of expanded.
struct YAMLValueReader {
    var file: String
    /// Most nodes one document may expand to, aliases counted every time they are used.
    var nodeBudget = 250_000
    private var visited = 0
    /// Expanded nodes in collection-valued mapping keys (see `AliasExpansionGuard`).
    private static let keyNodeBudget = 10_000

    struct Failure: Error {
        var message: String
        var location: SourceLocation?
    }

    init(file: String) { self.file = file }

    /// Plain scalars get this tag so PyYAML's rules (not Yams') decide their type.
    private static let plainTag = Tag.Name(rawValue: "tag:k8sctl.dev,2026:plain")
    private static let resolver = Resolver.basic.appending(try! Resolver.Rule(plainTag, "[\\s\\S]*"))

    /// The root node of `text`, nil for an empty document.
    func compose(_ text: String) throws -> Node? {
        if let refusal = AliasExpansionGuard.check(text, maxNodes: nodeBudget, maxKeyNodes: Self.keyNodeBudget) {
            throw Failure(message: refusal.message + "; refusing to expand",
                          location: SourceLocation(file: file, line: refusal.line, column: refusal.column))
        }
        do {
            return try Yams.compose(yaml: text, Self.resolver)
        } catch let error as YamlError {
            throw Failure(message: Self.describe(error), location: Self.location(of: error, file: file))
        }
    }

    func location(of node: Node) -> SourceLocation? {
        node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
    }

    mutating func value(of node: Node) throws -> AnsibleValue {
        visited += 1
        guard visited <= nodeBudget else {
            throw Failure(message: "YAML aliases expand to more than \(nodeBudget) nodes; refusing to expand (alias bomb?)",
                          location: location(of: node))
        }
        switch node {
        case .scalar(let scalar):
            return try scalarValue(scalar, at: node)
        case .sequence(let sequence):
            return .list(try sequence.map { try value(of: $0) })
        case .mapping:
            var mapping = AnsibleMapping()
            for (key, valueNode) in try pairs(of: node) {
                mapping[try keyText(key)] = try value(of: valueNode)
            }
            return .mapping(mapping)
        case .alias(let alias):
            throw Failure(message: "unresolved alias *\(alias.anchor)", location: location(of: node))
        }
    }

    /// A mapping's pairs with `<<` merge keys applied as PyYAML's `flatten_mapping` does: merged
    /// pairs first (earlier sources winning over later ones), then the mapping's own.
    mutating func pairs(of node: Node) throws -> [(Node, Node)] {
        guard case .mapping(let mapping) = node else { return [] }
        var merged: [(Node, Node)] = []
        var own: [(Node, Node)] = []
        for (key, value) in mapping {
            visited += 1
            guard visited <= nodeBudget else {
                throw Failure(message: "YAML aliases expand to more than \(nodeBudget) nodes; refusing to expand (alias bomb?)",
                              location: location(of: key))
            }
            if case .scalar(let scalar) = key, scalar.string == "<<", key.tag.rawValue == Self.plainTag.rawValue || key.tag.rawValue == Tag.Name.merge.rawValue {
                switch value {
                case .mapping:
                    merged = try pairs(of: value) + merged
                case .sequence(let sources):
                    var collected: [(Node, Node)] = []
                    for source in sources.reversed() {
                        guard case .mapping = source else {
                            throw Failure(message: "expected a mapping for merging, but found \(Self.kind(source))", location: location(of: source))
                        }
                        collected += try pairs(of: source)
                    }
                    merged += collected
                default:
                    throw Failure(message: "expected a mapping or list of mappings for merging, but found \(Self.kind(value))",
                                  location: location(of: value))
                }
            } else {
                own.append((key, value))
            }
        }
        return merged + own
    }

    /// Keys as `json.dumps` writes them: `1` → "1", `true` → "true", `null` → "null".
    mutating func keyText(_ node: Node) throws -> String {
        switch try value(of: node) {
        case .string(let text), .unsafe(let text): return text
        case .int(let number): return String(number)
        case .float(let number): return AnsibleJSONWriter.floatText(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        default: throw Failure(message: "a mapping key must be a scalar", location: location(of: node))
        }
    }

    private func scalarValue(_ scalar: Node.Scalar, at node: Node) throws -> AnsibleValue {
        let text = scalar.string
        switch node.tag.rawValue {
        case Self.plainTag.rawValue: return Self.resolvePlain(text)
        case Tag.Name.str.rawValue, "!": return .string(text)
        case "!unsafe": return .unsafe(text)
        case "!vault", "!vault-encrypted":
            throw Failure(message: "vault-encrypted values cannot be read without the vault password",
                          location: location(of: node))
        case Tag.Name.int.rawValue:
            guard case .int(let number) = Self.resolvePlain(text) else { throw bad(text, "int", node) }
            return .int(number)
        case Tag.Name.float.rawValue:
            switch Self.resolvePlain(text) {
            case .float(let number): return .float(number)
            case .int(let number): return .float(Double(number))
            default: throw bad(text, "float", node)
            }
        case Tag.Name.bool.rawValue:
            guard case .bool(let flag) = Self.resolvePlain(text) else { throw bad(text, "bool", node) }
            return .bool(flag)
        case Tag.Name.null.rawValue: return .null
        default:
            throw Failure(message: "could not determine a constructor for the tag '\(node.tag.rawValue)'",
                          location: location(of: node))
        }
    }

    private func bad(_ text: String, _ type: String, _ node: Node) -> Failure {
        Failure(message: "'\(text)' is not a valid \(type)", location: location(of: node))
    }

    // MARK: PyYAML's YAML 1.1 implicit resolvers (resolver.py) and constructors (constructor.py)

    private static func regex(_ pattern: String) -> NSRegularExpression { try! NSRegularExpression(pattern: pattern) }
    private static let boolPattern = regex("^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
    private static let floatPattern = regex(#"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"#)
    private static let intPattern = regex(#"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"#)
    private static let nullPattern = regex(#"^(?:~|null|Null|NULL|)$"#)
    private static let timestampPattern = regex(#"^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$"#)
    private static let dateOnlyPattern = regex(#"^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$"#)

    private static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func resolvePlain(_ text: String) -> AnsibleValue {
        if matches(boolPattern, text) { return .bool(["yes", "true", "on"].contains(text.lowercased())) }
        if matches(floatPattern, text), let number = constructFloat(text) { return .float(number) }
        if matches(intPattern, text), let number = constructInt(text) { return number }
        if matches(nullPattern, text) { return .null }
        if let timestamp = isoTimestamp(text) { return .string(timestamp) }
        return .string(text)
    }

    /// PyYAML turns timestamps into `date`/`datetime`; Ansible prints their `isoformat()`.
    private static func isoTimestamp(_ text: String) -> String? {
        guard let match = timestampPattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        func group(_ index: Int) -> String? { Range(match.range(at: index), in: text).map { String(text[$0]) } }
        func pad(_ value: String?, _ width: Int = 2) -> String {
            let digits = String(Int(value ?? "0") ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        guard group(4) != nil else {
            // Date only: PyYAML requires the two-digit form.
            return matches(dateOnlyPattern, text) ? text : nil
        }
        var result = "\(pad(group(1), 4))-\(pad(group(2)))-\(pad(group(3)))T\(pad(group(4))):\(pad(group(5))):\(pad(group(6)))"
        if let fraction = group(7), !fraction.isEmpty {
            let micro = String((fraction + "000000").prefix(6))
            if Int(micro) != 0 { result += "." + micro }
        }
        if let zone = group(8) {
            if zone == "Z" {
                result += "+00:00"
            } else {
                result += (group(9) ?? "+") + pad(group(10)) + ":" + pad(group(11))
            }
        }
        return result
    }

    private static func sexagesimal(_ text: String) -> Double {
        var value = 0.0
        for part in text.split(separator: ":") { value = value * 60 + (Double(part) ?? 0) }
        return value
    }

    private static func constructInt(_ raw: String) -> AnsibleValue? {
        var text = raw.replacingOccurrences(of: "_", with: "")
        var sign = 1
        if text.first == "-" { sign = -1 }
        if text.first == "-" || text.first == "+" { text.removeFirst() }
        let magnitude: Int?
        if text == "0" { magnitude = 0 }
        else if text.hasPrefix("0b") { magnitude = Int(text.dropFirst(2), radix: 2) }
        else if text.hasPrefix("0x") { magnitude = Int(text.dropFirst(2), radix: 16) }
        else if text.first == "0" { magnitude = Int(text, radix: 8) }
        else if text.contains(":") { magnitude = Int(sexagesimal(text)) }
        else { magnitude = Int(text) }
        if let magnitude { return .int(sign * magnitude) }
        return Double(text).map { .float(Double(sign) * $0) }
    }

    private static func constructFloat(_ raw: String) -> Double? {
        var text = raw.replacingOccurrences(of: "_", with: "").lowercased()
        var sign = 1.0
        if text.first == "-" { sign = -1 }
        if text.first == "-" || text.first == "+" { text.removeFirst() }
        if text == ".inf" { return sign * .infinity }
        if text == ".nan" { return .nan }
        if text.contains(":") { return sign * sexagesimal(text) }
        if text.hasPrefix(".") { text = "0" + text }
        if text.hasSuffix(".") { text += "0" }
        text = text.replacingOccurrences(of: ".e", with: ".0e")
        return Double(text).map { sign * $0 }
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar: "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .alias: "an alias"
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _): return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        case .parser(let context, let problem, _, _): return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        case .composer(let context, let problem, _, _): return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate mapping key(s): \(duplicates.joined(separator: ", ")) (Ansible keeps the last; k8sctl refuses)"
        default: return "\(error)"
        }
    }

    private static func location(of error: YamlError, file: String) -> SourceLocation? {
        let mark: Mark?
        switch error {
        case .scanner(_, _, let at, _), .parser(_, _, let at, _), .composer(_, _, let at, _): mark = at
        case .duplicatedKeysInMapping(_, let context): mark = context.mark
        default: mark = nil
        }
        return mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
    }
}
