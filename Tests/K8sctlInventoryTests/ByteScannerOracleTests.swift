@testable import K8sctlInventory
import K8sctlModel
import K8sctlTestSupport
import Testing

/// Host names and IPv4 addresses are checked for every host of an inventory, so both checks scan
/// UTF-8 bytes (they were Character splits and counts: a few percent of loading 5,000 hosts).
/// The Character-wise implementations are kept here as the oracles.
@Suite("Byte scanners against their Character-wise oracles")
struct ByteScannerOracleTests {
    static func oracleIsHostName(_ value: String) -> Bool {
        func isLowerAlnum(_ character: Character) -> Bool { character.isASCII && (character.isLowercase || character.isNumber) }
        guard !value.isEmpty, value.count <= 253 else { return false }
        return value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last, label.count <= 63 else { return false }
            return isLowerAlnum(first) && isLowerAlnum(last) && label.allSatisfy { isLowerAlnum($0) || $0 == "-" }
        }
    }

    static func oracleIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                  !(part.count > 1 && part.first == "0"), let value = UInt8(part) else { return nil }
            out.append(value)
        }
        return out
    }

    /// Pieces that hit every rule: empty and long labels, leading/trailing '-', upper case,
    /// digits with leading zeros and values over 255, multi-byte and combining characters, CR LF.
    static let hostPieces = ["a", "z", "0", "9", "-", ".", "w1", "node-7", "A", "_", "é", "e\u{301}", "\r\n", "日",
                             String(repeating: "x", count: 30), String(repeating: "y", count: 63), " ", ""]
    static let addressPieces = ["0", "1", "9", "10", "25", "255", "256", "00", "01", "999", "1000", ".", "..", "-", "a",
                                "١", "٣", "\u{301}", "é", " ", ":", "172.16.0.1", ""]

    /// Mostly valid octets, and the near misses (leading zeros, 256, a digit of another script).
    static let octetPieces = ["0", "1", "9", "10", "25", "255", "172", "256", "01", "٣"]

    @Test func isHostName_matchesTheCharacterWiseCheck_onSeededStrings() {
        var rng = SeededGenerator(state: 53)
        var accepted = 0
        for _ in 0..<4000 {
            let text = (0..<Int.random(in: 0...12, using: &rng)).map { _ in Self.hostPieces.randomElement(using: &rng)! }.joined()
            let expected = Self.oracleIsHostName(text)
            #expect(InputSyntax.isHostName(text) == expected, "\(text.debugDescription)")
            if expected { accepted += 1 }
        }
        #expect(accepted > 200)
        let longest = Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: ".").dropLast(2)
        #expect(InputSyntax.isHostName(String(longest)) && longest.count == 253)
        #expect(!InputSyntax.isHostName(String(longest) + "b"))
    }

    @Test func ipv4_matchesTheCharacterWiseParser_onSeededStrings() {
        var rng = SeededGenerator(state: 54)
        var parsed = 0
        for _ in 0..<4000 {
            // Every other string is four pieces joined by dots, so that enough of them parse for the
            // accepting paths to be compared too (free concatenation parsed 26 of 4,000).
            let text = Bool.random(using: &rng)
                ? (0..<Int.random(in: 0...8, using: &rng)).map { _ in Self.addressPieces.randomElement(using: &rng)! }.joined()
                : (0..<4).map { _ in Self.octetPieces.randomElement(using: &rng)! }.joined(separator: ".")
            let expected = Self.oracleIPv4(text)
            // Text without ':' is never IPv6, so the whole initialiser answers for the IPv4 parser.
            if !text.contains(":") { #expect(IPAddress(text)?.bytes == expected, "\(text.debugDescription)") }
            if expected != nil { parsed += 1 }
        }
        #expect(parsed > 100)
        #expect(IPAddress("::ffff:10.0.0.1")?.bytes.suffix(4) == [10, 0, 0, 1])
        #expect(IPAddress("::ffff:10.0.0.01") == nil)
    }
}
