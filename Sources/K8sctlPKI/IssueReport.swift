import Foundation

/// What one `ensure` run did to each certificate: kept it, minted it, or replaced it and why.
public struct IssueReport: Sendable, Hashable, CustomStringConvertible {
    public enum Action: Sendable, Hashable {
        case reused
        /// Nothing was stored: minted for the first time.
        case issued
        /// A stored certificate no longer fit and was replaced.
        case renewed(ReissueReason)
    }

    public struct Entry: Sendable, Hashable {
        public var id: CertificateID
        public var action: Action
        /// The serial of the certificate now in the store (empty for key pairs).
        public var serialHex: String
    }

    public var entries: [Entry]
    /// Things the user should know but that did not stop the run (an authority close to expiry,
    /// host directories of removed hosts).
    public var warnings: [String]

    public init(entries: [Entry] = [], warnings: [String] = []) {
        self.entries = entries.sorted { $0.id < $1.id }
        self.warnings = warnings
    }

    public var reused: [CertificateID] { entries.filter { $0.action == .reused }.map(\.id) }
    public var issued: [CertificateID] { entries.filter { $0.action == .issued }.map(\.id) }
    public var renewed: [CertificateID] {
        entries.filter { if case .renewed = $0.action { return true } else { return false } }.map(\.id)
    }

    public func action(for id: CertificateID) -> Action? { entries.first { $0.id == id }?.action }

    /// One line per issued or renewed certificate, then a count of reused ones and the warnings.
    public var description: String {
        var lines: [String] = []
        for entry in entries {
            switch entry.action {
            case .reused: continue
            case .issued: lines.append("issued  \(entry.id)")
            case .renewed(let reason): lines.append("renewed \(entry.id): \(reason)")
            }
        }
        lines.append("\(reused.count) reused, \(issued.count) issued, \(renewed.count) renewed")
        lines += warnings.map { "warning: " + $0 }
        return lines.joined(separator: "\n")
    }
}

/// Why a stored certificate was replaced.
public enum ReissueReason: Sendable, Hashable, CustomStringConvertible {
    case unreadable(String)
    case keyMissingOrMismatched
    case subjectChanged(from: String, to: String)
    case alternativeNamesChanged(added: [String], removed: [String])
    case usagesChanged
    case authorityChanged
    case keyAlgorithmChanged
    case expiresSoon(notAfter: Date)
    /// Asked for by name (`k8sctl certs renew`).
    case requested

    public var description: String {
        switch self {
        case .unreadable(let reason): "stored certificate unreadable (\(reason))"
        case .keyMissingOrMismatched: "private key missing or not matching the certificate"
        case let .subjectChanged(from, to): "subject changed from '\(from)' to '\(to)'"
        case let .alternativeNamesChanged(added, removed):
            "SANs changed" + (added.isEmpty ? "" : " +[\(added.joined(separator: ", "))]")
                + (removed.isEmpty ? "" : " -[\(removed.joined(separator: ", "))]")
        case .usagesChanged: "key usages changed"
        case .authorityChanged: "signed by a different CA than the current one"
        case .keyAlgorithmChanged: "key algorithm changed"
        case .expiresSoon(let notAfter): "expires \(ISO8601DateFormatter().string(from: notAfter))"
        case .requested: "renewal requested"
        }
    }
}
