/// Writes `AnsibleValue`s as Python's `json.dumps(…, sort_keys=True, indent=4)` does, which is how
/// `ansible-inventory --list` prints: keys sorted by code point, non-finite floats as
/// `Infinity`/`NaN`, non-ASCII escaped as `\uXXXX`.
public struct AnsibleJSONWriter: Sendable {
    /// Spaces per level; nil writes compact one-line JSON.
    public var indent: Int?

    public init(indent: Int? = 4) { self.indent = indent }

    public func text(for value: AnsibleValue) -> String {
        var out = ""
        write(value, level: 0, into: &out)
        return out
    }

    private func write(_ value: AnsibleValue, level: Int, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .float(let number): out += Self.floatText(number)
        case .string(let text): Self.quote(text, into: &out)
        case .unsafe(let text):
            write(.mapping(AnsibleMapping([("__ansible_unsafe", .string(text))])), level: level, into: &out)
        case .list(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                newline(level + 1, into: &out)
                write(item, level: level + 1, into: &out)
            }
            newline(level, into: &out)
            out += "]"
        case .mapping(let mapping):
            guard !mapping.isEmpty else { out += "{}"; return }
            out += "{"
            let keys = mapping.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out += "," }
                newline(level + 1, into: &out)
                Self.quote(key, into: &out)
                out += ": "
                write(mapping[key]!, level: level + 1, into: &out)
            }
            newline(level, into: &out)
            out += "}"
        }
    }

    private func newline(_ level: Int, into out: inout String) {
        guard let indent else { return }
        out += "\n" + String(repeating: " ", count: indent * level)
    }

    /// Python's `repr(float)`: shortest round-trip digits, always with a `.0` or an exponent.
    static func floatText(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number > 0 ? "Infinity" : "-Infinity" }
        var text = "\(number)"
        if !text.contains(".") && !text.contains("e") { text += ".0" }
        return text
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value > 0x7e {
                    if scalar.value > 0xFFFF {
                        let value = scalar.value - 0x10000
                        out += hex4(0xD800 + (value >> 10)) + hex4(0xDC00 + (value & 0x3FF))
                    } else {
                        out += hex4(scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
