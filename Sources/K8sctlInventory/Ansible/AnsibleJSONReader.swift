/// Reads JSON into `AnsibleValue`, accepting what Python's `json` module writes (including
/// `Infinity`, `-Infinity` and `NaN`). Used to compare our `--list` with `ansible-inventory`'s and
/// to read `.json` vars files. `{"__ansible_unsafe": s}` reads back as `.unsafe(s)`.
public struct AnsibleJSONReader: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var offset: Int
        public var message: String
        public var description: String { "JSON: \(message) at byte \(offset)" }
    }

    public init() {}

    public func value(from text: String) throws -> AnsibleValue {
        var cursor = Cursor(bytes: Array(text.utf8))
        cursor.skipSpace()
        let value = try cursor.readValue(depth: 0)
        cursor.skipSpace()
        guard cursor.atEnd else { throw cursor.failure("trailing characters") }
        return value
    }

    private struct Cursor {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index >= bytes.count }

        func failure(_ message: String) -> Failure { Failure(offset: index, message: message) }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ word: String) throws {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw failure("expected \(word)")
            }
            index += expected.count
        }

        mutating func readValue(depth: Int) throws -> AnsibleValue {
            guard depth < 512 else { throw failure("nesting too deep") }
            guard index < bytes.count else { throw failure("unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var mapping = AnsibleMapping()
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .mapping(mapping) }
                while true {
                    skipSpace()
                    let key = try readString()
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    mapping[key] = try readValue(depth: depth + 1)
                    skipSpace()
                    guard index < bytes.count else { throw failure("unterminated object") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("}")
                    break
                }
                if mapping.count == 1, case .string(let text)? = mapping["__ansible_unsafe"] { return .unsafe(text) }
                return .mapping(mapping)
            case UInt8(ascii: "["):
                index += 1
                var items: [AnsibleValue] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .list(items) }
                while true {
                    skipSpace()
                    items.append(try readValue(depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw failure("unterminated array") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("]")
                    break
                }
                return .list(items)
            case UInt8(ascii: "\""):
                return .string(try readString())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "N"): try expect("NaN"); return .float(.nan)
            case UInt8(ascii: "I"): try expect("Infinity"); return .float(.infinity)
            default:
                return try readNumber()
            }
        }

        mutating func readNumber() throws -> AnsibleValue {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "I") { try expect("Infinity"); return .float(-.infinity) }
            }
            var isFloat = false
            while index < bytes.count {
                let byte = bytes[index]
                if (0x30...0x39).contains(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                    index += 1
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    isFloat = true
                    index += 1
                } else {
                    break
                }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if !isFloat, let number = Int(text) { return .int(number) }
            guard let number = Double(text) else { throw Failure(offset: start, message: "bad number \(text)") }
            return .float(number)
        }

        mutating func readString() throws -> String {
            try expect("\"")
            var scalars = String.UnicodeScalarView()
            var pendingHigh: UInt32?
            var run: [UInt8] = []
            func flush() {
                if !run.isEmpty { scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars); run = [] }
            }
            while true {
                guard index < bytes.count else { throw failure("unterminated string") }
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { break }
                guard byte == UInt8(ascii: "\\") else { run.append(byte); continue }
                flush()
                guard index < bytes.count else { throw failure("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count,
                          let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                        throw failure("bad \\u escape")
                    }
                    index += 4
                    if (0xD800..<0xDC00).contains(code) {
                        pendingHigh = code
                        continue
                    }
                    if (0xDC00..<0xE000).contains(code), let high = pendingHigh {
                        let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                        if let scalar = Unicode.Scalar(combined) { scalars.append(scalar) }
                    } else if let scalar = Unicode.Scalar(code) {
                        scalars.append(scalar)
                    }
                default: scalars.append(Unicode.Scalar(escape))
                }
                pendingHigh = nil
            }
            flush()
            return String(scalars)
        }
    }
}
