import Foundation

/// An inventory host entry such as `node[01:20].example.com:2222` expanded as Ansible does:
/// an optional `:port` is split off (`[v6addr]:port` for IPv6), then every `[begin:end(:step)]`
/// range is expanded, left to right, with zero padding when `begin` has a leading zero and
/// letter ranges over `a…zA…Z`.
struct HostPattern {
    var hostnames: [String]
    var port: Int?

    struct Failure: Error { var message: String }

    /// - Parameter limit: upper bound on the names this pattern may produce (`h[0:99999999]` should
    ///   not eat the machine): no more than the whole inventory may hold, its `hostLimit`.
    init(_ pattern: String, limit: Int = AnsibleInventoryLimits.standard.hosts) throws {
        var name = pattern
        var port: Int?
        if let parsed = Self.parseAddress(pattern) {
            name = parsed.host
            port = parsed.port
        }
        if pattern.trimmingCharacters(in: .whitespaces).hasSuffix(":") && port == nil {
            throw Failure(message: "Invalid host pattern '\(pattern)' supplied, ending in ':' is not allowed, this character is reserved to provide a port.")
        }
        var expanded: [String] = []
        if name.contains("[") {
            // Refused before expanding: building 100,000 long names only to throw them away took
            // seconds (a fuzz-found hang with several ranges in one pattern).
            if let count = Self.expansionCount(name), count > limit {
                throw Failure(message: "host pattern '\(pattern)' expands to more than \(limit) hosts")
            }
            try Self.expand(name, limit: limit, into: &expanded)
        } else {
            expanded = [name]
        }
        if expanded.contains(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) {
            throw Failure(message: "Invalid host pattern '\(pattern)' supplied, '---' is normally a sign this is a YAML file.")
        }
        self.hostnames = expanded
        self.port = port
    }

    // MARK: parse_address (ansible.parsing.utils.addresses), ranges allowed

    private static let numericRange = #"\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]"#
    private static let hexRange = #"\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]"#
    private static let alphanumericRange = #"\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]"#

    private static func regex(_ pattern: String, caseInsensitive: Bool = false) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
    }

    private static let bracketedHostPort = regex(#"^\[(.+)\]:([0-9]+)$"#)
    private static let hostPort = regex(#"^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$"#)
    private static let ipv4: NSRegularExpression = {
        let component = "(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|\(numericRange))"
        return regex("^(?:\(component)\\.){3}\(component)$", caseInsensitive: true)
    }()
    private static let ipv6: NSRegularExpression = {
        let c = "(?:[0-9a-f]{1,4}|\(hexRange))"
        let i4 = "(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|\(numericRange))"
        let alternatives = [
            "(?:\(c):){7}\(c)", "(?:\(c):){1,6}:", "(?:\(c):)(?::\(c)){1,6}", "(?:\(c):){2}(?::\(c)){1,5}",
            "(?:\(c):){3}(?::\(c)){1,4}", "(?:\(c):){4}(?::\(c)){1,3}", "(?:\(c):){5}(?::\(c)){1,2}",
            "(?:\(c):){6}(?::\(c))", ":(?::\(c)){1,6}", "\(c)?::",
            "(?:0:){6}(?:\(i4)\\.){3}\(i4)", "::(?:ffff:)?(?:\(i4)\\.){3}\(i4)", "(?:0:){5}ffff:(?:\(i4)\\.){3}\(i4)",
        ]
        return regex("^(" + alternatives.joined(separator: "|") + ")$", caseInsensitive: true)
    }()
    private static let hostname: NSRegularExpression = {
        let label = "(?:[\\w]|\(alphanumericRange))(?:[\\w_-]|\(alphanumericRange))*(?<![_-])"
        return regex("^\(label)(?:\\.\(label))*$", caseInsensitive: true)
    }()

    private static func matches(_ regex: NSRegularExpression, _ text: String) -> [String]? {
        let range = NSRange(text.startIndex..., in: text)
        guard let match = regex.firstMatch(in: text, range: range) else { return nil }
        return (0..<match.numberOfRanges).map { index in
            Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
        }
    }

    /// nil where Ansible's `parse_address` raises (the caller then keeps the pattern whole).
    static func parseAddress(_ address: String) -> (host: String, port: Int?)? {
        var rest = address
        var port: Int?
        for pattern in [bracketedHostPort, hostPort] {
            if let groups = matches(pattern, rest), let number = Int(groups[2]) {
                rest = groups[1]
                port = number
            }
        }
        for pattern in [ipv4, ipv6, hostname] where matches(pattern, rest) != nil {
            return (rest, port)
        }
        return nil
    }

    // MARK: expand_hostname_range

    private static let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

    private static func expand(_ line: String, limit: Int, into out: inout [String]) throws {
        guard let open = line.firstIndex(of: "[") else { out.append(line); return }
        let afterOpen = line[line.index(after: open)...]
        guard let close = afterOpen.firstIndex(of: "]") else {
            throw Failure(message: "host range in '\(line)' has no closing ']'")
        }
        let head = line[..<open]
        let range = line[line.index(after: open)..<close]
        let tail = line[line.index(after: close)...]
        let bounds = range.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard bounds.count == 2 || bounds.count == 3 else {
            throw Failure(message: "host range must be begin:end or begin:end:step")
        }
        let begin = bounds[0].isEmpty ? "0" : bounds[0]
        let end = bounds[1]
        guard !end.isEmpty else { throw Failure(message: "host range must specify end value") }
        guard let step = bounds.count == 3 ? Int(bounds[2]) : 1, step > 0 else {
            throw Failure(message: "host range step in '\(line)' must be a positive integer")
        }
        var width: Int?
        if begin.first == "0" && begin.count > 1 {
            guard begin.count == end.count else {
                throw Failure(message: "host range must specify equal-length begin and end formats")
            }
            width = begin.count
        }
        var sequence: [String] = []
        // Python's str.index finds substrings, so "ab" is a valid "letter" (index 0), as in Ansible.
        if let first = letterIndex(begin), let last = letterIndex(end) {
            guard first <= last else { throw Failure(message: "host range must have begin <= end") }
            sequence = stride(from: first, through: last, by: step).map { String(letters[$0]) }
        } else {
            guard let first = Int(begin), let last = Int(end) else {
                throw Failure(message: "host range [\(range)] in '\(line)' is neither numeric nor a letter range")
            }
            guard last < first || (last - first) / step < limit else {
                throw Failure(message: "host range [\(range)] expands to more than \(limit) hosts")
            }
            if first <= last {
                sequence = stride(from: first, through: last, by: step).map { number in
                    let text = String(number)
                    guard let width, text.count < width else { return text }
                    return String(repeating: "0", count: width - text.count) + text
                }
            }
        }
        for item in sequence {
            let name = String(head) + item + String(tail)
            if name.contains("[") { try expand(name, limit: limit, into: &out) } else { out.append(name) }
            if out.count > limit {
                throw Failure(message: "host pattern '\(line)' expands to more than \(limit) hosts")
            }
        }
    }

    /// How many names `line` expands to: the product of its ranges' lengths (saturating), or nil
    /// when a range is malformed (`expand` then reports it). Substitution only inserts digits and
    /// letters, so the brackets written in the line are all the ranges there are.
    static func expansionCount(_ line: String) -> Int? {
        var count = 1
        var rest = line[...]
        while let open = rest.firstIndex(of: "[") {
            let afterOpen = rest[rest.index(after: open)...]
            guard let close = afterOpen.firstIndex(of: "]") else { return nil }
            let bounds = afterOpen[..<close].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard bounds.count == 2 || bounds.count == 3, let step = bounds.count == 3 ? Int(bounds[2]) : 1, step > 0 else { return nil }
            let begin = bounds[0].isEmpty ? "0" : bounds[0]
            let length: Int
            if let first = letterIndex(begin), let last = letterIndex(bounds[1]) {
                length = first <= last ? (last - first) / step + 1 : 0
            } else if let first = Int(begin), let last = Int(bounds[1]) {
                length = first <= last ? (last - first) / step + 1 : 0
            } else {
                return nil
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: length)
            count = overflow ? .max : product
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        return count
    }

    private static func letterIndex(_ text: String) -> Int? {
        let needle = Array(text)
        guard !needle.isEmpty, needle.count <= letters.count else { return nil }
        for start in 0...(letters.count - needle.count) where Array(letters[start..<start + needle.count]) == needle {
            return start
        }
        return nil
    }
}
