import Yams

/// Guards Yams' YAML 1.1 base-60 integers (`1:30` is 90).
///
/// Yams 6.2.2 resolves them with unchecked arithmetic (`Constructor.swift`, `sexagesimal()`): the
/// place value is multiplied by 60 once per component, so any plain scalar of 11 or more numeric
/// components, or a few large ones, traps the whole process with an arithmetic overflow. Found by
/// `scripts/fuzz` with the input `44:4:4:014:4:044:4:4:014:4:011`. Every `Node.int` on text that
/// came from a user goes through `checkedInt` instead, and the writer quotes such strings.
enum SexagesimalGuard {
    /// True when Yams would overflow resolving `text` as a base-60 integer (and `text` looks like
    /// one: optional sign, `:`-separated digit groups). Conservative: a component that does not fit
    /// an `Int` on its own counts as an overflow.
    static func overflows(_ text: String) -> Bool {
        guard text.contains(":") else { return false }
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let components = body.split(separator: ":", omittingEmptySubsequences: false)
        guard components.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "_") } }) else { return false }
        var base = 1
        var value = 0
        for component in components.reversed() {
            guard let digit = Int(String(component.filter { $0 != "_" })) else { return true }
            let (product, productOverflow) = digit.multipliedReportingOverflow(by: base)
            let (sum, sumOverflow) = value.addingReportingOverflow(product)
            let (nextBase, baseOverflow) = base.multipliedReportingOverflow(by: 60)
            if productOverflow || sumOverflow || baseOverflow { return true }
            (value, base) = (sum, nextBase)
        }
        return false
    }
}

extension Node {
    /// `int`, except for base-60 scalars Yams cannot resolve without trapping: those are not integers.
    var checkedInt: Int? {
        if case .scalar(let scalar) = self, SexagesimalGuard.overflows(scalar.string) { return nil }
        return int
    }
}
