import Yams

/// Guards Yams' YAML 1.1 base-60 integers (`1:30` is 90).
///
/// Yams 6.2.2 resolves them with unchecked arithmetic (`Constructor.swift`, `sexagesimal()`): the
/// place value is multiplied by 60 once per component, so any plain scalar of 11 or more numeric
/// components, or a few large ones, traps the whole process with an arithmetic overflow. Found by
/// `scripts/fuzz` with the input `44:4:4:014:4:044:4:4:014:4:011`. Every `Node.int` on text that
/// came from a user goes through `checkedInt` instead, and the writer quotes such strings.
enum SexagesimalGuard {
    /// True when Yams' `Int.construct(from:)` would overflow on `text`. It mirrors that function
    /// step by step (underscores removed; a `0x`/`0b`/`0o`/`0` prefix takes another path; one
    /// leading sign; components parsed with `Int(_:radix:)`, which accepts their own signs, and all
    /// of them must parse before any arithmetic), because `Node.int` runs it on any scalar,
    /// whatever its resolved tag: the second fuzz finding was `44:4:4:014:4:-4:…`, a signed
    /// component that a digits-only check let through.
    static func overflows(_ text: String) -> Bool {
        let withSign = text.replacingOccurrences(of: "_", with: "")
        guard withSign.contains(":") else { return false }
        let hasSign = withSign.hasPrefix("-") || withSign.hasPrefix("+")
        let unsigned = withSign.dropFirst(hasSign ? 1 : 0)
        if ["0x", "0b", "0o", "0"].contains(where: { unsigned.hasPrefix($0) }) { return false }
        let components = unsigned.components(separatedBy: ":").map { Int($0, radix: 10) }
        guard components.allSatisfy({ $0 != nil }) else { return false }
        var base = 1
        var value = 0
        for digit in components.reversed().map({ $0! }) {
            let (product, productOverflow) = digit.multipliedReportingOverflow(by: base)
            let (sum, sumOverflow) = value.addingReportingOverflow(product)
            let (nextBase, baseOverflow) = base.multipliedReportingOverflow(by: 60)
            if productOverflow || sumOverflow || baseOverflow { return true }
            (value, base) = (sum, nextBase)
        }
        // Yams multiplies the sign in last: `-1 * value` cannot overflow for a non-negative value,
        // but a negative component can make `value` Int.min, whose negation traps.
        return withSign.hasPrefix("-") && value == Int.min
    }
}

extension Node {
    /// `int`, except for base-60 scalars Yams cannot resolve without trapping: those are not integers.
    var checkedInt: Int? {
        if case .scalar(let scalar) = self, SexagesimalGuard.overflows(scalar.string) { return nil }
        return int
    }
}
