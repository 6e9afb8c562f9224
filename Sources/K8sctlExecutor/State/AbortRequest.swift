import Foundation
import K8sctlTransport

/// A request, kept on the cluster, that the running apply stop after its batch in flight
/// (`k8sctl abort`). It lives next to the cluster lock on the control-plane hosts, so a runner on
/// another machine (a CI job) sees a request made from a laptop.
///
/// Semantics (docs/lifecycle.md, "Abort"):
/// - The file is `/var/lib/k8sctl/abort`, one line `REQUESTER<TAB>TIME<TAB>TARGET`, written with a
///   temporary file, fsync and rename. `TARGET` is the lock holder the request was made against.
/// - `k8sctl abort` writes it only on hosts where the lock is held: no lock, no running apply.
/// - The running apply reads it before every batch and obeys only a request naming its own holder
///   (`user@machine pid N`, unique per run).
/// - Taking the lock removes a request naming another holder (left by an apply that was killed, or
///   that ended before reading it): a stale abort never stops a later run. Releasing the lock
///   removes the request naming the releasing holder; `k8sctl unlock` removes any.
public struct AbortRequest: Sendable, Hashable {
    public static let path = "/var/lib/k8sctl/abort"

    public var requestedBy: String
    public var requestedAt: String
    /// The lock holder the request is aimed at.
    public var target: String

    public init(requestedBy: String, requestedAt: String, target: String) {
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.target = target
    }

    /// Parses the file's line; nil for anything else (an empty or foreign file is no request).
    public init?(line: String) {
        let fields = line.trimmingCharacters(in: .newlines).split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 3, !fields[0].isEmpty, !fields[2].isEmpty else { return nil }
        self.init(requestedBy: fields[0], requestedAt: fields[1], target: fields[2])
    }

    public var line: String { "\(requestedBy)\t\(requestedAt)\t\(target)" }

    /// Whether the run holding the lock as `holder` must obey it.
    public func applies(to holder: String) -> Bool { target == holder }

    /// `user@machine`, who is asking (the pid of a short-lived abort command says nothing).
    public static func defaultRequester() -> String {
        let user = ProcessInfo.processInfo.environment["USER"] ?? "uid \(getuid())"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }

    /// Writes the request where the lock is held; prints `requested` and the owner line, or
    /// `not-running`. The lock's owner file names the target.
    static let writeScript = #"""
    set -u
    umask 077
    owner=$(cat /var/lib/k8sctl/lock/owner 2>/dev/null) || { echo not-running; exit 0; }
    holder=$(printf '%s\n' "$owner" | cut -f1)
    tmp=/var/lib/k8sctl/.abort.$$
    printf '%s\t%s\t%s\n' "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$holder" > "$tmp"
    sync "$tmp"
    mv -f "$tmp" /var/lib/k8sctl/abort
    echo requested
    printf '%s\n' "$owner"
    """#

    static let readScript = #"cat /var/lib/k8sctl/abort 2>/dev/null || true"#

    /// Reads the request on `hosts` and returns the first one aimed at `holder`.
    static func pending(for holder: String, on hosts: [any RemoteHost]) async -> AbortRequest? {
        for host in hosts {
            guard let result = try? await host.run(RemoteCommand(["/bin/sh", "-c", readScript])), result.succeeded,
                  let request = AbortRequest(line: result.stdout), request.applies(to: holder) else { continue }
            return request
        }
        return nil
    }
}
