import Foundation
import K8sctlModel
import Yams

/// A parsed YAML file with its source text, guarded against hostile input.
///
/// Yams keeps aliases as shared copies, so composing a "billion laughs" document is cheap, but any
/// walk or decode over it expands every alias. We walk the tree once with a node budget before
/// anything else touches it, and refuse oversized files and deep flow nesting before parsing
/// (libyaml and the composer recurse per nesting level).
public struct YAMLDocument {
    public let file: String
    public let text: String
    public let root: Node
    /// Nodes in the tree, aliases expanded (counted by the budget walk): sizes the source map.
    public let nodeCount: Int

    /// Limits for untrusted input. Generous for real inventories: the 10,000-host sample is ~2 MB and
    /// ~200,000 nodes.
    public struct Limits: Sendable {
        public var maxBytes = 64 * 1024 * 1024
        public var maxNodes = 5_000_000
        public var maxDepth = 200
        /// Expanded nodes in mapping keys that are collections, over the whole file: Yams hashes
        /// every key to find duplicates, so this bounds that work (inventories use scalar keys).
        public var maxKeyNodes = 10_000
        public init() {}
    }

    /// Parses `data` from `file`. Returns nil and diagnostics when the input is unusable.
    public static func parse(data: Data, file: String, limits: Limits = Limits()) -> (YAMLDocument?, [Diagnostic]) {
        func fail(_ message: String, line: Int = 1, column: Int = 1, hint: String? = nil) -> (YAMLDocument?, [Diagnostic]) {
            (nil, [.error(message, at: SourceLocation(file: file, line: line, column: column), hint: hint)])
        }
        guard data.count <= limits.maxBytes else {
            return fail("file is \(data.count) bytes, more than the \(limits.maxBytes)-byte limit for an inventory")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column) = firstInvalidUTF8(in: data)
            return fail("not UTF-8 text (invalid byte sequence)", line: line, column: column,
                        hint: "an inventory is a YAML text file; check that the right file was given")
        }
        // Pure ASCII without CR (every generated and nearly every hand-written inventory): one byte
        // is one Character, so the byte scans below find exactly what the Character scans would,
        // without grapheme breaking over megabytes.
        let (plainASCII, hasNUL) = data.withUnsafeBytes { bytes in
            (!bytes.contains { $0 >= 0x80 || $0 == UInt8(ascii: "\r") }, bytes.contains(0))
        }
        if !plainASCII || hasNUL, let nul = text.firstIndex(of: "\u{0}") {
            let (line, column) = lineColumn(of: nul, in: text)
            return fail("binary content: NUL character in the file", line: line, column: column)
        }
        let nesting = plainASCII ? flowNestingExceeding(limits.maxDepth, inASCII: data) : flowNestingExceeding(limits.maxDepth, in: text)
        if let (line, column) = nesting {
            return fail("nesting deeper than \(limits.maxDepth) levels", line: line, column: column)
        }
        if let refusal = AliasExpansionGuard.check(text, maxNodes: limits.maxNodes, maxKeyNodes: limits.maxKeyNodes) {
            return fail(refusal.message, line: refusal.line, column: refusal.column, hint: aliasHint)
        }
        let root: Node?
        do {
            // No implicit tag resolution: the readers look at each scalar's text and style
            // themselves (MappingReader: null, integers, booleans), and Yams' default resolver ran
            // up to seven regular expressions on every mapping key for its duplicate-key check —
            // half the load time of a 5,000-host inventory. With it, keys are compared as text:
            // `true:` and `"true":` in one mapping are a duplicate (before, the second was ignored).
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            return (nil, [diagnostic(for: error, file: file)])
        } catch {
            return fail("cannot parse YAML: \(error)")
        }
        guard let root else {
            return fail("the file is empty", hint: "an inventory starts with `apiVersion: \(Defaults.apiVersion)` and `kind: Cluster`")
        }
        var budget = limits.maxNodes
        if case .exceeded(let mark) = exceedsBudget(root, budget: &budget, depth: 0, maxDepth: limits.maxDepth) {
            return fail("YAML expands to more than \(limits.maxNodes) nodes or \(limits.maxDepth) levels (alias expansion bomb?)",
                        line: mark?.line ?? 1, column: mark?.column ?? 1, hint: aliasHint)
        }
        return (YAMLDocument(file: file, text: text, root: root, nodeCount: limits.maxNodes - budget), [])
    }

    private static let aliasHint = "inventories do not need aliases that multiply: write the values out or use fewer anchors"

    public static func parse(path: String, limits: Limits = Limits()) -> (YAMLDocument?, [Diagnostic]) {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return (nil, [.error("no such file", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        guard !isDirectory.boolValue else {
            return (nil, [.error("is a directory, expected an inventory file", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        guard let data = try? Data(contentsOf: url) else {
            return (nil, [.error("cannot read the file", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        return parse(data: data, file: path, limits: limits)
    }

    public func location(of node: Node) -> SourceLocation {
        location(mark: node.mark)
    }

    public func location(mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    // MARK: - Guards

    private enum BudgetCheck { case fits, exceeded(Mark?) }

    /// Walks the tree (expanding aliases) until the node budget or the depth limit runs out.
    private static func exceedsBudget(_ node: Node, budget: inout Int, depth: Int, maxDepth: Int) -> BudgetCheck {
        budget -= 1
        if budget < 0 || depth > maxDepth { return .exceeded(node.mark) }
        switch node {
        case .scalar, .alias:
            return .fits
        case .mapping(let mapping):
            // By index: Yams' `Node.Mapping.makeIterator()` first copies every pair into a new array.
            for index in mapping.indices {
                let (key, value) = mapping[index]
                if case .exceeded(let mark) = exceedsBudget(key, budget: &budget, depth: depth + 1, maxDepth: maxDepth) { return .exceeded(mark) }
                if case .exceeded(let mark) = exceedsBudget(value, budget: &budget, depth: depth + 1, maxDepth: maxDepth) { return .exceeded(mark) }
            }
        case .sequence(let sequence):
            for element in sequence {
                if case .exceeded(let mark) = exceedsBudget(element, budget: &budget, depth: depth + 1, maxDepth: maxDepth) { return .exceeded(mark) }
            }
        }
        return .fits
    }

    /// `flowNestingExceeding(_:in:)` over bytes, for text that is ASCII without CR.
    private static func flowNestingExceeding(_ limit: Int, inASCII data: Data) -> (Int, Int)? {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> (Int, Int)? in
            var depth = 0, line = 1, column = 0
            var quote: UInt8 = 0
            var inComment = false
            for byte in bytes {
                column += 1
                if byte == 0x0A { line += 1; column = 0; inComment = false; continue }
                if inComment { continue }
                if quote != 0 {
                    if byte == quote { quote = 0 }
                    continue
                }
                switch byte {
                case UInt8(ascii: "#"): inComment = true
                case UInt8(ascii: "\""), UInt8(ascii: "'"): if depth > 0 { quote = byte }
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                    if depth > limit { return (line, column) }
                case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
                default: break
                }
            }
            return nil
        }
    }

    /// Flow collections (`[[[[…`) nest without indentation, so a small file can nest deeply.
    private static func flowNestingExceeding(_ limit: Int, in text: String) -> (Int, Int)? {
        var depth = 0, line = 1, column = 0
        var quote: Character?
        var inComment = false
        for character in text {
            column += 1
            if character == "\n" { line += 1; column = 0; inComment = false; continue }
            if inComment { continue }
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "#": inComment = true
            case "\"", "'": if depth > 0 { quote = character }
            case "[", "{":
                depth += 1
                if depth > limit { return (line, column) }
            case "]", "}": depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }

    private static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return .error("invalid YAML: \(prefix)\(problem)", at: at(mark))
        case let .duplicatedKeysInMapping(duplicates, context):
            return .error("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping",
                          at: at(context.mark), hint: "each key may appear once; remove or merge the repeated entry")
        case let .reader(problem, offset, _, yaml):
            var location = SourceLocation(file: file, line: 1, column: 1)
            if let offset {
                let prefix = yaml.utf8.prefix(offset)
                let line = prefix.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                let column = prefix.count - (prefix.lastIndex(of: UInt8(ascii: "\n")).map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0) + 1
                location = SourceLocation(file: file, line: line, column: column)
            }
            return .error("cannot read YAML: \(problem)", at: location)
        default:
            return .error("cannot parse YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    private static func firstInvalidUTF8(in data: Data) -> (Int, Int) {
        var line = 1, lineStart = 0, index = 0
        let bytes = [UInt8](data)
        while index < bytes.count {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (line, index - lineStart + 1)
            }
            if index + length > bytes.count { return (line, index - lineStart + 1) }
            for continuation in bytes[(index + 1)..<(index + length)] where continuation & 0xC0 != 0x80 {
                return (line, index - lineStart + 1)
            }
            if byte == UInt8(ascii: "\n") { line += 1; lineStart = index + 1 }
            index += length
        }
        return (line, 1)
    }

    private static func lineColumn(of index: String.Index, in text: String) -> (Int, Int) {
        let prefix = text[..<index]
        let line = prefix.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        let column = prefix.distance(from: prefix.lastIndex(of: "\n").map { prefix.index(after: $0) } ?? prefix.startIndex, to: prefix.endIndex) + 1
        return (line, column)
    }
}
