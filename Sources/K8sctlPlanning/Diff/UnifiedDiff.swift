/// `diff -u` style text for two versions of a file, with 3 lines of context. Line-based longest
/// common subsequence; files beyond `maxCells` line pairs are reported as changed without a diff.
public enum UnifiedDiff {
    public static let maxCells = 4_000_000

    /// The hunks, or nil when the texts are equal or too large to diff.
    public static func diff(old: String, new: String, path: String, context: Int = 3) -> String? {
        if old == new { return nil }
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard a.count * b.count <= maxCells else { return nil }
        // lcs[i][j] = LCS length of a[i...] and b[j...].
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        enum Line { case same(String), removed(String), added(String) }
        var lines: [Line] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] { lines.append(.same(a[i])); i += 1; j += 1 }
            // Removals before additions on ties, as diff -u prints them.
            else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] { lines.append(.removed(a[i])); i += 1 }
            else { lines.append(.added(b[j])); j += 1 }
        }
        let changed = lines.indices.filter { if case .same = lines[$0] { false } else { true } }
        guard !changed.isEmpty else { return nil }
        // Group changes whose context windows touch into hunks.
        var hunks: [ClosedRange<Int>] = []
        for index in changed {
            let window = max(0, index - context)...min(lines.count - 1, index + context)
            if let last = hunks.last, window.lowerBound <= last.upperBound + 1 {
                hunks[hunks.count - 1] = last.lowerBound...max(last.upperBound, window.upperBound)
            } else {
                hunks.append(window)
            }
        }
        var out = "--- \(path) (applied)\n+++ \(path) (planned)\n"
        for hunk in hunks {
            var oldStart = 1, newStart = 1
            for line in lines[..<hunk.lowerBound] {
                switch line {
                case .same: oldStart += 1; newStart += 1
                case .removed: oldStart += 1
                case .added: newStart += 1
                }
            }
            var oldCount = 0, newCount = 0, body = ""
            for line in lines[hunk] {
                switch line {
                case .same(let text): oldCount += 1; newCount += 1; body += " \(text)\n"
                case .removed(let text): oldCount += 1; body += "-\(text)\n"
                case .added(let text): newCount += 1; body += "+\(text)\n"
                }
            }
            out += "@@ -\(oldCount == 0 ? oldStart - 1 : oldStart),\(oldCount) +\(newCount == 0 ? newStart - 1 : newStart),\(newCount) @@\n" + body
        }
        return out
    }
}
