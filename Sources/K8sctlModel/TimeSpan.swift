import Foundation

/// A configured duration in Go's `time.ParseDuration` syntax (`15s`, `1m30s`, `500ms`), which is
/// what Kubernetes component flags accept. The canonical text is kept so rendered flags read as
/// the user wrote them.
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let milliseconds: Int64
    public let text: String

    private static let units: [(String, Int64)] = [("ms", 1), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]

    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        if rest == "0" { self.milliseconds = 0; self.text = "0s"; return }
        var total: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = TimeSpan.units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            let amount = value * Double(unit.1)
            guard amount < 1e15 else { return nil }
            total += Int64(amount.rounded())
        }
        self.milliseconds = total
        self.text = text.trimmingCharacters(in: .whitespaces)
    }

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
        if milliseconds % 3_600_000 == 0 && milliseconds > 0 { text = "\(milliseconds / 3_600_000)h" }
        else if milliseconds % 60_000 == 0 && milliseconds > 0 { text = "\(milliseconds / 60_000)m" }
        else if milliseconds % 1000 == 0 { text = "\(milliseconds / 1000)s" }
        else { text = "\(milliseconds)ms" }
    }

    public static func seconds(_ value: Int64) -> TimeSpan { TimeSpan(milliseconds: value * 1000) }
    public var seconds: Double { Double(milliseconds) / 1000 }
    public var description: String { text }
    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds < rhs.milliseconds }
    public static func == (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.milliseconds == rhs.milliseconds }
    public func hash(into hasher: inout Hasher) { hasher.combine(milliseconds) }
}

extension TimeSpan: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = TimeSpan(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a duration: \(text)"))
        }
        self = parsed
    }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
