import Crypto
import K8sctlModel

/// What happens to one managed file.
public struct FileChange: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case created, changed, removed, unchanged }
    public var path: String
    public var kind: Kind
    public var isSecret: Bool
    /// Unified diff for changed non-secret files whose applied content is known; nil otherwise.
    public var diff: String?
    /// Why there is no diff for a changed file (`secret`, `only the checksum is known`).
    public var note: String?
}

/// Desired files (from rendering and PKI) against what is known of the applied ones: the previous
/// render's files, or only checksums observed on the host. Secret files (keys, kubeconfigs) are never
/// diffed or printed: they are reported as changed, nothing more.
public struct FileSetDiff: Sendable {
    /// Host → files it should have.
    public var desired: [String: [NodeFile]]
    /// Host → files rendered for the inventory applied last.
    public var previous: [String: [NodeFile]]
    /// Host → path → sha256 (lower-case hex) seen on the host.
    public var observedChecksums: [String: [String: String]]

    public init(desired: [String: [NodeFile]], previous: [String: [NodeFile]] = [:], observedChecksums: [String: [String: String]] = [:]) {
        self.desired = desired
        self.previous = previous
        self.observedChecksums = observedChecksums
    }

    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Host → changes, hosts and paths sorted. Unchanged files are left out.
    public func changes() -> [String: [FileChange]] {
        var result: [String: [FileChange]] = [:]
        for host in Set(desired.keys).union(previous.keys).sorted() {
            let wanted = Dictionary((desired[host] ?? []).map { ($0.path, $0) }, uniquingKeysWith: { _, last in last })
            let before = Dictionary((previous[host] ?? []).map { ($0.path, $0) }, uniquingKeysWith: { _, last in last })
            let seen = observedChecksums[host] ?? [:]
            var changes: [FileChange] = []
            for path in Set(wanted.keys).union(before.keys).union(seen.keys).sorted() {
                guard let file = wanted[path] else {
                    if before[path] != nil {
                        changes.append(FileChange(path: path, kind: .removed, isSecret: before[path]!.isSecret, diff: nil, note: nil))
                    }
                    continue
                }
                if let old = before[path] {
                    if old.content == file.content && old.mode == file.mode && old.owner == file.owner { continue }
                    if file.isSecret || old.isSecret {
                        changes.append(FileChange(path: path, kind: .changed, isSecret: true, diff: nil, note: "secret, not shown"))
                    } else {
                        let diff = UnifiedDiff.diff(old: old.text, new: file.text, path: path)
                        let note = diff == nil ? (old.content == file.content ? "mode or owner changed" : "too large to diff") : nil
                        changes.append(FileChange(path: path, kind: .changed, isSecret: false, diff: diff, note: note))
                    }
                } else if let checksum = seen[path] {
                    if checksum.lowercased() == Self.sha256(file.content) { continue }
                    changes.append(FileChange(path: path, kind: .changed, isSecret: file.isSecret, diff: nil,
                                              note: file.isSecret ? "secret, not shown" : "only the checksum on the host is known"))
                } else {
                    changes.append(FileChange(path: path, kind: .created, isSecret: file.isSecret, diff: nil, note: nil))
                }
            }
            if !changes.isEmpty { result[host] = changes }
        }
        return result
    }
}
