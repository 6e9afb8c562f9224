/// Syntax checks for inventory strings that end up in file paths, unit files, flags and remote
/// commands. Refusing odd values here means later layers never see a newline in a host name or a
/// relative data directory.
enum InputSyntax {
    /// RFC 1123 label/subdomain: what Kubernetes accepts as a Node name and etcd as a member name.
    static func isHostName(_ value: String) -> Bool {
        // Over UTF-8 bytes: every accepted character is ASCII (a-z, 0-9, '-', '.'), so a
        // multi-byte character is refused here as it was character by character, and for ASCII
        // text the byte counts are the character counts.
        let bytes = value.utf8
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        var labelLength = 0
        var previous: UInt8 = UInt8(ascii: ".")
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                // An empty label, or one ending in '-'.
                guard labelLength > 0, previous != UInt8(ascii: "-") else { return false }
                labelLength = 0
            } else {
                let lowerAlnum = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                guard lowerAlnum || (byte == UInt8(ascii: "-") && labelLength > 0) else { return false }
                labelLength += 1
                guard labelLength <= 63 else { return false }
            }
            previous = byte
        }
        return labelLength > 0 && previous != UInt8(ascii: "-")
    }

    /// Kubernetes label key: optional DNS-subdomain prefix and `/`, then a name of ≤ 63 chars.
    static func isLabelKey(_ value: String) -> Bool {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return isLabelName(String(parts[0]))
        case 2: return isHostName(String(parts[0])) && isLabelName(String(parts[1]))
        default: return false
        }
    }

    /// Kubernetes label value: empty, or ≤ 63 alphanumerics with `-_.` inside.
    static func isLabelValue(_ value: String) -> Bool {
        value.isEmpty || isLabelName(value)
    }

    private static func isLabelName(_ value: String) -> Bool {
        guard let first = value.first, let last = value.last, value.count <= 63 else { return false }
        return isAlnum(first) && isAlnum(last) && value.allSatisfy { isAlnum($0) || "-_.".contains($0) }
    }

    /// A component flag name as written without `--`.
    static func isFlagName(_ value: String) -> Bool {
        guard let first = value.first, value.count <= 100 else { return false }
        return isLowerAlnum(first) && value.allSatisfy { isLowerAlnum($0) || $0 == "-" || $0 == "." }
    }

    /// Flag values are passed as data, but they are written into unit files and manifests line by line.
    static func isSingleLine(_ value: String) -> Bool {
        !value.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\u{0}" })
    }

    /// Absolute, normalised, printable path without `..`: data dirs, snapshot dirs.
    static func isAbsolutePath(_ value: String) -> Bool {
        guard value.hasPrefix("/"), value.count <= 4096, isSingleLine(value) else { return false }
        let components = value.split(separator: "/")
        return !components.contains("..") && !components.contains(".") && !value.contains("//")
            && value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7f }
    }

    /// A POSIX user name.
    static func isUserName(_ value: String) -> Bool {
        guard let first = value.first, value.count <= 32 else { return false }
        return (first.isASCII && (first.isLowercase || first == "_"))
            && value.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "_-.".contains($0)) }
    }

    private static func isLowerAlnum(_ character: Character) -> Bool {
        character.isASCII && (character.isLowercase || character.isNumber)
    }

    private static func isAlnum(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber)
    }
}
