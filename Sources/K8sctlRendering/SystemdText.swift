import K8sctlModel

/// Quoting for values in systemd unit files: `%` starts a specifier and `$` a variable, so both
/// are doubled; arguments with spaces or quotes are double-quoted.
enum SystemdText {
    static func argument(_ value: String) -> String {
        var escaped = value.replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$")
        if escaped.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || $0 == "'" || $0 == "\t" }) {
            escaped = "\"" + escaped.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return escaped
    }
}

extension IPAddress {
    /// `host:port` with brackets for IPv6, as URLs and `--advertise-address`-style flags need.
    func hostPort(_ port: Int) -> String { isIPv4 ? "\(self):\(port)" : "[\(self)]:\(port)" }
}
