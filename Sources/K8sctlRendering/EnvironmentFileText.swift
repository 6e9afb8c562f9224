/// Values in a systemd `EnvironmentFile=` (etcd reads its flags as `ETCD_<FLAG>=value`).
///
/// systemd parses these files with its own rules: outside quotes a backslash escapes the next
/// character and surrounding whitespace is trimmed; inside double quotes only `"`, `\`, `` ` `` and
/// `$` are escaped by a backslash (any other backslash is kept, as in the shell). Nothing is
/// expanded or executed either way. Values that need it are double-quoted so etcd receives exactly
/// the inventory's bytes (before this, an extraArgs value with a backslash lost it on the node —
/// found by MetacharacterApplyTests); plain values (URLs, paths, names) are written as they are, so
/// rendered files did not change for them.
public enum EnvironmentFileText {
    public static func value(_ text: String) -> String {
        let special: Set<Character> = ["\"", "'", "\\", "$", "`"]
        guard text.contains(where: { special.contains($0) || $0.isWhitespace }) else { return text }
        var quoted = "\""
        for character in text {
            if character == "\"" || character == "\\" || character == "`" || character == "$" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }
}
