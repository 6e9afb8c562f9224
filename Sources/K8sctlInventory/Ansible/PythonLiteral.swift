/// Python's `ast.literal_eval` for one line of an INI inventory, which is how Ansible types INI
/// values: `1` is an int, `2.5` a float, `True` a bool, `[1, 'a']` a list, `"x"` the string x.
/// Anything `literal_eval` refuses (a bare word, `yes`, `010`, `foo # c`) stays the original
/// string. Python-only types come back as Ansible turns them into variables: tuples and sets
/// become lists, bytes become text.
enum PythonLiteral {
    /// The typed value, or nil where Python would raise (the caller keeps the text).
    static func evaluate(_ text: String) -> AnsibleValue? {
        var parser = Parser(Array(text.unicodeScalars))
        parser.skipLeadingBlanks()
        guard var value = try? parser.expression(depth: 0) else { return nil }
        parser.skipSpaceAndComment()
        // `1, 2` (and `1,`) is a tuple without parentheses.
        if parser.current == "," {
            var items = [value]
            while parser.current == "," {
                parser.index += 1
                parser.skipSpaceAndComment()
                if parser.atEnd { break }
                guard let next = try? parser.expression(depth: 0) else { return nil }
                items.append(next)
                parser.skipSpaceAndComment()
            }
            value = .list(items)
        }
        return parser.atEnd ? value : nil
    }

    private struct Invalid: Error {}

    private struct Parser {
        let chars: [Unicode.Scalar]
        var index = 0
        init(_ chars: [Unicode.Scalar]) { self.chars = chars }

        var atEnd: Bool { index >= chars.count }
        var current: Unicode.Scalar? { index < chars.count ? chars[index] : nil }
        func peek(_ offset: Int) -> Unicode.Scalar? { index + offset < chars.count ? chars[index + offset] : nil }

        mutating func skipLeadingBlanks() {
            while let char = current, char == " " || char == "\t" { index += 1 }
        }

        mutating func skipSpaceAndComment() {
            while let char = current, char == " " || char == "\t" || char == "\u{0C}" { index += 1 }
            if current == "#" { index = chars.count }
        }

        mutating func expression(depth: Int) throws -> AnsibleValue {
            guard depth < 100 else { throw Invalid() }
            skipSpaceAndComment()
            guard let char = current else { throw Invalid() }
            switch char {
            case "[":
                index += 1
                return .list(try items(closing: "]", depth: depth))
            case "(":
                index += 1
                skipSpaceAndComment()
                if current == ")" { index += 1; return .list([]) }
                let first = try expression(depth: depth + 1)
                skipSpaceAndComment()
                if current == ")" { index += 1; return first }
                guard current == "," else { throw Invalid() }
                index += 1
                return .list([first] + (try items(closing: ")", depth: depth)))
            case "{":
                index += 1
                return try braces(depth: depth)
            case "+", "-":
                index += 1
                skipSpaceAndComment()
                guard let next = current, next.properties.numericType != nil || next == "." else { throw Invalid() }
                let number = try numberLiteral()
                switch (char, number) {
                case ("-", .string(let imaginary)) where imaginary.hasSuffix("j"):
                    return .string("(-0-\(imaginary))")
                case ("-", .int(let value)): return .int(-value)
                case ("-", .float(let value)): return .float(-value)
                default: return number
                }
            case "'", "\"":
                return try strings()
            case ".":
                if peek(1) == ".", peek(2) == "." { index += 3; return .string("...") }
                return try numberLiteral()
            default:
                if ("0"..."9").contains(char) { return try numberLiteral() }
                if char.properties.isXIDStart || char == "_" {
                    let word = identifier()
                    if current == "'" || current == "\"", let prefix = StringPrefix(word) {
                        return try strings(firstPrefix: prefix)
                    }
                    switch word {
                    case "True": return .bool(true)
                    case "False": return .bool(false)
                    case "None": return .null
                    default: throw Invalid()
                    }
                }
                throw Invalid()
            }
        }

        /// Comma-separated expressions up to `closing`, a trailing comma allowed.
        mutating func items(closing: Unicode.Scalar, depth: Int) throws -> [AnsibleValue] {
            var values: [AnsibleValue] = []
            while true {
                skipSpaceAndComment()
                if current == closing { index += 1; return values }
                values.append(try expression(depth: depth + 1))
                skipSpaceAndComment()
                if current == "," { index += 1; continue }
                guard current == closing else { throw Invalid() }
                index += 1
                return values
            }
        }

        /// `{}` and `{k: v, …}` are dicts, `{a, b}` a set (a list once Ansible has it).
        mutating func braces(depth: Int) throws -> AnsibleValue {
            skipSpaceAndComment()
            if current == "}" { index += 1; return .mapping(AnsibleMapping()) }
            let first = try expression(depth: depth + 1)
            skipSpaceAndComment()
            if current == ":" {
                var mapping = AnsibleMapping()
                var key = first
                while true {
                    guard current == ":" else { throw Invalid() }
                    index += 1
                    let value = try expression(depth: depth + 1)
                    mapping[try Self.keyText(key)] = value
                    skipSpaceAndComment()
                    if current == "," {
                        index += 1
                        skipSpaceAndComment()
                        if current == "}" { index += 1; return .mapping(mapping) }
                        key = try expression(depth: depth + 1)
                        skipSpaceAndComment()
                        continue
                    }
                    guard current == "}" else { throw Invalid() }
                    index += 1
                    return .mapping(mapping)
                }
            }
            var members = [first]
            if current == "," {
                index += 1
                members += try items(closing: "}", depth: depth)
            } else {
                guard current == "}" else { throw Invalid() }
                index += 1
            }
            var unique: [AnsibleValue] = []
            for member in members where !unique.contains(member) {
                if case .list = member { throw Invalid() }  // unhashable in a set
                unique.append(member)
            }
            return .list(unique)
        }

        /// JSON turns dict keys into strings the way Python's `json` does.
        static func keyText(_ key: AnsibleValue) throws -> String {
            switch key {
            case .string(let text): return text
            case .int(let number): return String(number)
            case .float(let number): return AnsibleJSONWriter.floatText(number)
            case .bool(let flag): return flag ? "true" : "false"
            case .null: return "null"
            default: throw Invalid()
            }
        }

        mutating func identifier() -> String {
            var word = String.UnicodeScalarView()
            while let char = current, char.properties.isXIDContinue { word.append(char); index += 1 }
            return String(word)
        }

        struct StringPrefix {
            var raw = false
            var bytes = false
            init?(_ word: String) {
                switch word.lowercased() {
                case "r": raw = true
                case "u": break
                case "b": bytes = true
                case "br", "rb": raw = true; bytes = true
                default: return nil  // f-strings are not literals
                }
            }
        }

        /// One or more adjacent string literals, concatenated as Python does.
        mutating func strings(firstPrefix: StringPrefix? = nil) throws -> AnsibleValue {
            var result = try stringLiteral(prefix: firstPrefix ?? StringPrefix("u")!)
            var sawBytes = firstPrefix?.bytes ?? false
            while true {
                let save = index
                skipSpaceAndComment()
                var prefix = StringPrefix("u")!
                if let char = current, char.properties.isXIDStart {
                    let word = identifier()
                    guard current == "'" || current == "\"", let parsed = StringPrefix(word) else { index = save; break }
                    prefix = parsed
                } else if current != "'" && current != "\"" {
                    index = save
                    break
                }
                guard prefix.bytes == sawBytes else { throw Invalid() }  // bytes + str is a SyntaxError
                sawBytes = prefix.bytes
                result += try stringLiteral(prefix: prefix)
            }
            // Ansible tags decoded bytes as untrusted: `--list` prints them as `{"__ansible_unsafe": …}`.
            return sawBytes ? .unsafe(result) : .string(result)
        }

        mutating func stringLiteral(prefix: StringPrefix) throws -> String {
            guard let quote = current else { throw Invalid() }
            let triple = peek(1) == quote && peek(2) == quote
            index += triple ? 3 : 1
            var out = String.UnicodeScalarView()
            while true {
                guard let char = current else { throw Invalid() }
                if char == quote {
                    if !triple { index += 1; break }
                    if peek(1) == quote && peek(2) == quote { index += 3; break }
                }
                if char == "\\" {
                    guard let next = peek(1) else { throw Invalid() }
                    if prefix.raw {
                        out.append(char); out.append(next); index += 2; continue
                    }
                    index += 2
                    switch next {
                    case "\n": break
                    case "\\": out.append("\\")
                    case "'": out.append("'")
                    case "\"": out.append("\"")
                    case "a": out.append("\u{07}")
                    case "b": out.append("\u{08}")
                    case "f": out.append("\u{0C}")
                    case "n": out.append("\n")
                    case "r": out.append("\r")
                    case "t": out.append("\t")
                    case "v": out.append("\u{0B}")
                    case "x": out.append(try hexEscape(2))
                    case "N" where !prefix.bytes:
                        guard current == "{", let close = chars[index...].firstIndex(of: "}") else { throw Invalid() }
                        let name = String(String.UnicodeScalarView(chars[(index + 1)..<close]))
                        guard let scalar = Self.scalar(named: name) else { throw Invalid() }
                        out.append(scalar)
                        index = close + 1
                    case "u" where !prefix.bytes: out.append(try hexEscape(4))
                    case "U" where !prefix.bytes: out.append(try hexEscape(8))
                    case "0"..."7":
                        var digits = String(next)
                        while digits.count < 3, let more = current, ("0"..."7").contains(more) {
                            digits.unicodeScalars.append(more); index += 1
                        }
                        guard let value = UInt32(digits, radix: 8), let scalar = Unicode.Scalar(value) else { throw Invalid() }
                        out.append(scalar)
                    default:
                        out.append("\\"); out.append(next)
                    }
                    continue
                }
                if char == "\n" && !triple { throw Invalid() }
                if prefix.bytes && char.value > 0x7f { throw Invalid() }
                out.append(char)
                index += 1
            }
            return String(out)
        }

        /// `\N{BULLET}`: a scalar by its Unicode name or alias (a linear search; such escapes are rare).
        static func scalar(named name: String) -> Unicode.Scalar? {
            let wanted = name.uppercased()
            for value in UInt32(0)...0x10FFFF {
                guard let scalar = Unicode.Scalar(value) else { continue }
                if scalar.properties.name == wanted || scalar.properties.nameAlias == wanted { return scalar }
            }
            return nil
        }

        mutating func hexEscape(_ count: Int) throws -> Unicode.Scalar {
            guard index + count <= chars.count else { throw Invalid() }
            let digits = String(String.UnicodeScalarView(chars[index..<index + count]))
            guard digits.allSatisfy(\.isHexDigit), let value = UInt32(digits, radix: 16),
                  let scalar = Unicode.Scalar(value) else { throw Invalid() }
            index += count
            return scalar
        }

        /// Python 3 numeric literals: decimal (no leading zeros), 0x/0o/0b, floats, `_` separators.
        mutating func numberLiteral() throws -> AnsibleValue {
            var text = String.UnicodeScalarView()
            while let char = current, char.properties.isXIDContinue || char == "." ||
                    ((char == "+" || char == "-") && (text.last == "e" || text.last == "E") && !Self.isRadix(text)) {
                text.append(char); index += 1
            }
            let literal = String(text)
            let lower = literal.lowercased()
            guard Self.underscoresValid(lower) else { throw Invalid() }
            let digits = lower.replacingUnderscores()
            for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
                let body = String(digits.dropFirst(2))
                guard !body.isEmpty, !lower.hasPrefix(prefix + "_") || true, let value = Int(body, radix: radix) else { throw Invalid() }
                return .int(value)
            }
            if digits.hasSuffix("j") {
                // An imaginary literal: Ansible keeps complex numbers as Python's str() of them.
                guard let imaginary = Double(String(digits.dropLast())), !digits.dropLast().contains("x") else { throw Invalid() }
                return .string(Self.complexText(imaginary) + "j")
            }
            let isFloat = digits.contains(".") || digits.contains("e")
            if !isFloat {
                guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { throw Invalid() }
                if digits.count > 1, digits.first == "0", digits.contains(where: { $0 != "0" }) { throw Invalid() }
                if let value = Int(digits) { return .int(value) }
                guard let value = Double(digits) else { throw Invalid() }
                return .float(value)
            }
            guard digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "+" || $0 == "-") }),
                  digits.first != "e", let value = Double(digits) else { throw Invalid() }
            return .float(value)
        }

        /// Python's repr of a complex part: integral values without ".0".
        static func complexText(_ value: Double) -> String {
            if value == value.rounded(), abs(value) < 1e16 { return String(Int(value)) }
            return AnsibleJSONWriter.floatText(value)
        }

        static func isRadix(_ text: String.UnicodeScalarView) -> Bool {
            let lower = String(text).lowercased()
            return lower.hasPrefix("0x")
        }

        /// `_` only between digits (after a radix prefix is allowed: `0x_ff`).
        static func underscoresValid(_ text: String) -> Bool {
            let chars = Array(text)
            for (offset, char) in chars.enumerated() where char == "_" {
                guard offset > 0, offset + 1 < chars.count else { return false }
                let before = chars[offset - 1], after = chars[offset + 1]
                let beforeOK = before.isHexDigit || (offset == 2 && "xob".contains(before) && chars[0] == "0")
                guard beforeOK, after.isHexDigit else { return false }
            }
            return true
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
