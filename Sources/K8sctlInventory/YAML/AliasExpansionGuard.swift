// libyaml as Yams bundles it. Yams declares no product for it, so this import relies on its module
// being visible to packages that depend on Yams (SwiftPM passes the include path along); it is the
// same parser Yams composes with, so the two passes cannot disagree about the document's structure.
import CYaml

/// Refuses alias bombs before Yams composes them.
///
/// Composing is normally cheap, since an alias is a shared copy of its anchor's node, but Yams'
/// duplicate-key check hashes every mapping key, and hashing walks the key expanded: the 40-line
/// document `{*a39: 1}`, where each anchor lists the previous one twice, hashed 2^40 nodes and hung
/// (found by the fuzzer). The node-budget walk after composing comes too late for that, so this pass
/// reads libyaml's event stream and computes each node's expanded size from the anchors' sizes.
/// It refuses a document that expands past `maxNodes`, or whose collection-valued mapping keys
/// (the ones hashing has to walk; real inventories only have scalar keys) add up past `maxKeyNodes`.
/// Structure errors are left to Yams, which reports them with its own messages.
enum AliasExpansionGuard {
    struct Refusal {
        var message: String
        /// 1-based, where the node that went over the limit ends.
        var line: Int
        var column: Int
    }

    /// Only a document with an alias can expand: without a `*` byte there is none, and the event pass
    /// (a second parse) is skipped.
    static func check(_ text: String, maxNodes: Int, maxKeyNodes: Int) -> Refusal? {
        guard text.utf8.contains(UInt8(ascii: "*")) else { return nil }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var sizes = ExpandedSizes(maxNodes: maxNodes, maxKeyNodes: maxKeyNodes)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return nil }
                if let refusal = sizes.consume(event) { return refusal }
            }
        }
    }
}

/// Expanded node counts, accumulated over the event stream.
private struct ExpandedSizes {
    let maxNodes: Int
    let maxKeyNodes: Int

    /// An open sequence or mapping: its expanded size so far, and for a mapping whether the next
    /// child is a key.
    private struct Collection {
        var size = 1
        var isMapping: Bool
        var nextIsKey: Bool
        var anchor: String?
    }

    private var open: [Collection] = []
    private var anchorSizes: [String: Int] = [:]
    private var documentSize = 0
    private var keyNodes = 0

    init(maxNodes: Int, maxKeyNodes: Int) {
        self.maxNodes = maxNodes
        self.maxKeyNodes = maxKeyNodes
    }

    mutating func consume(_ event: yaml_event_t) -> AliasExpansionGuard.Refusal? {
        let mark = (line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentSize = 0
            keyNodes = 0
            return nil
        case YAML_SCALAR_EVENT:
            register(anchor(event.data.scalar.anchor), size: 1)
            return add(1, at: mark, isCollection: false)
        case YAML_ALIAS_EVENT:
            // An undefined alias is Yams' error to report; count it as one node here.
            let size = anchor(event.data.alias.anchor).flatMap { anchorSizes[$0] } ?? 1
            return add(size, at: mark, isCollection: size > 1)
        case YAML_SEQUENCE_START_EVENT:
            open.append(Collection(isMapping: false, nextIsKey: false, anchor: anchor(event.data.sequence_start.anchor)))
            return nil
        case YAML_MAPPING_START_EVENT:
            open.append(Collection(isMapping: true, nextIsKey: true, anchor: anchor(event.data.mapping_start.anchor)))
            return nil
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let closed = open.popLast() else { return nil }
            register(closed.anchor, size: closed.size)
            return add(closed.size, at: mark, isCollection: true)
        default:
            return nil
        }
    }

    /// Adds a finished node to its parent (or to the document when it is the root).
    private mutating func add(_ size: Int, at mark: (line: Int, column: Int), isCollection: Bool) -> AliasExpansionGuard.Refusal? {
        if let parent = open.indices.last {
            if open[parent].isMapping {
                if open[parent].nextIsKey && isCollection {
                    keyNodes = keyNodes.addingSaturated(size)
                    if keyNodes > maxKeyNodes {
                        return .init(message: "YAML mapping keys that are collections expand to more than \(maxKeyNodes) nodes (alias expansion bomb?)", line: mark.line, column: mark.column)
                    }
                }
                open[parent].nextIsKey.toggle()
            }
            open[parent].size = open[parent].size.addingSaturated(size)
            if open[parent].size > maxNodes { return tooLarge(at: mark) }
        } else {
            documentSize = documentSize.addingSaturated(size)
            if documentSize > maxNodes { return tooLarge(at: mark) }
        }
        return nil
    }

    private func tooLarge(at mark: (line: Int, column: Int)) -> AliasExpansionGuard.Refusal {
        .init(message: "YAML expands to more than \(maxNodes) nodes (alias expansion bomb?)", line: mark.line, column: mark.column)
    }

    private mutating func register(_ anchor: String?, size: Int) {
        if let anchor { anchorSizes[anchor] = size }
    }

    private func anchor(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

private extension Int {
    func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
