import Foundation
import K8sctlModel
import K8sctlTransport

/// A snapshot file on an etcd host: its sha256 and what `snapshot status` says of it, in one round
/// trip. `snapshot status` opens the bolt database, so a truncated or foreign file fails here.
struct EtcdSnapshotFile {
    let path: String

    struct Status: Sendable, Hashable {
        var sha256: String
        var sizeBytes: Int
        var revision: Int
        var totalKeys: Int
    }

    /// etcd 3.5 moved offline snapshot commands to `etcdutl` (etcdctl's copies are deprecated, and
    /// gone in 3.6); 3.4 has only etcdctl. Use etcdutl where the host has it.
    static let script = #"""
    set -eu
    file=$1
    [ -f "$file" ] || { echo "no such file: $file" >&2; exit 3; }
    sum=$(sha256sum "$file" | cut -d' ' -f1)
    if command -v etcdutl >/dev/null 2>&1; then
      status=$(etcdutl snapshot status "$file" -w json 2>&1) || { printf '%s\n' "$status" >&2; exit 4; }
    else
      status=$(ETCDCTL_API=3 etcdctl snapshot status "$file" -w json 2>&1) || { printf '%s\n' "$status" >&2; exit 4; }
    fi
    printf '%s %s\n' "$sum" "$(stat -c %s "$file")"
    printf '%s\n' "$status" | tail -n 1
    """#

    enum Failure: Error { case missing, corrupt(String), other(String) }

    /// The line of an etcd tool's output that says what is wrong: a panic on a damaged database
    /// ends in a goroutine dump whose last lines say nothing.
    static func reason(_ output: String) -> String {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let telling = lines.first { line in
            ["Error", "error", "panic", "failed", "invalid", "corrupt"].contains { line.contains($0) } && !line.hasPrefix("goroutine")
        }
        return String((telling ?? lines.first ?? "no output").prefix(300))
    }

    func inspect(on connection: any RemoteHost) async throws -> Result<Status, Failure> {
        let result = try await connection.run(RemoteCommand(["/bin/sh", "-c", Self.script, "k8sctl-snapshot-status", path],
                                                            timeout: .seconds(300)))
        if result.exitSignal == nil && result.exitStatus == 3 { return .failure(.missing) }
        if result.exitSignal == nil && result.exitStatus == 4 { return .failure(.corrupt(Self.reason(result.stderr))) }
        guard result.succeeded else { return .failure(.other("\(result.outcomeDescription): \(result.stderrTail(lines: 3))")) }
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard lines.count >= 2 else { return .failure(.other("unexpected output: \(result.stdout)")) }
        let first = lines[0].split(separator: " ")
        let json = (try? JSONSerialization.jsonObject(with: Data(lines[1].utf8))) as? [String: Any] ?? [:]
        return .success(Status(sha256: String(first.first ?? ""), sizeBytes: first.count > 1 ? Int(first[1]) ?? 0 : 0,
                               revision: (json["revision"] as? NSNumber)?.intValue ?? 0,
                               totalKeys: (json["totalKey"] as? NSNumber)?.intValue ?? 0))
    }

    /// The status, or a refusal naming the host and what is wrong.
    func status(on connection: any RemoteHost, cluster: Cluster, member: K8sctlModel.Host) async throws -> Status {
        switch try await inspect(on: connection) {
        case .success(let status): return status
        case .failure(.missing): throw UnusableInput("\(member.name): snapshot \(path) does not exist")
        case .failure(.corrupt(let reason)): throw UnusableInput("\(member.name): \(path) is not a usable etcd snapshot: \(reason)")
        case .failure(.other(let reason)): throw ExecutorError.refused(reason: "\(member.name): reading \(path) failed: \(reason)")
        }
    }
}
