/// The syntax of `spec.kubernetes.imageRepository`: an image reference without name and tag,
/// `registry[:port]/path` as the distribution reference grammar has it.
///
/// The repository is spliced into every static pod's `image:` and pulled by the container runtime
/// on each node; anything else (spaces, quotes, `$(`, newlines — found by the metacharacter corpus
/// test) is refused at load with its position instead of failing later on every node.
enum ImageRepositorySyntax {
    static let hint = "write a registry and path such as registry.k8s.io or registry.example.com:5000/k8s"

    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty, text.utf8.count <= 255 else { return false }
        // The first part is a registry host (letters of either case, digits, '.', '-', optional
        // :port) or already a lower-case path component (a Docker Hub namespace).
        let hostAndPort = first.split(separator: ":", omittingEmptySubsequences: false)
        guard hostAndPort.count <= 2, isHostName(hostAndPort[0]) else { return false }
        if hostAndPort.count == 2, hostAndPort[1].isEmpty || !hostAndPort[1].allSatisfy({ $0.isASCII && $0.isNumber }) { return false }
        return parts.dropFirst().allSatisfy(isPathComponent)
    }

    private static func isHostName(_ text: Substring) -> Bool {
        text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// `[a-z0-9]+` groups joined by `.`, `_`, `__` or dashes.
    private static func isPathComponent(_ text: Substring) -> Bool {
        guard let first = text.first, let last = text.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last) else { return false }
        return text.allSatisfy { isLowerAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
            && !text.contains("..") && !text.contains("___")
    }

    private static func isLowerAlphanumeric(_ c: Character) -> Bool {
        c.isASCII && (c.isNumber || (c.isLetter && c.isLowercase))
    }
}
