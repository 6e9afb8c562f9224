import Foundation
import K8sctlModel
import K8sctlTransport

/// A lock held on the cluster itself, not on the machine running k8sctl, so two CI runners cannot
/// apply at once. It is taken on a majority of the control-plane hosts (in name order, so two
/// runners contend for the same first host): a runner that cannot reach some hosts still cannot
/// take the lock beside another runner that reached the others.
///
/// On each host the lock is a directory created with `mkdir`, atomic on every POSIX file system,
/// holding an `owner` file: `HOLDER<TAB>ISO-8601 time`.
public struct ClusterLock: Sendable {
    public static let directory = "/var/lib/k8sctl/lock"

    public var holder: String
    public init(holder: String = ClusterLock.defaultHolder()) {
        self.holder = holder
    }

    /// `user@machine pid N`, what the second runner is told.
    public static func defaultHolder() -> String {
        "\(AbortRequest.defaultRequester()) pid \(getpid())"
    }

    static let acquireScript = #"""
    set -u
    umask 077
    [ -d /var/lib/k8sctl ] || mkdir -p /var/lib/k8sctl
    if mkdir /var/lib/k8sctl/lock 2>/dev/null; then
      printf '%s\t%s\n' "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > /var/lib/k8sctl/lock/owner
      echo acquired
      # An abort request aimed at another holder is stale (docs/lifecycle.md, "Abort").
      if [ -f /var/lib/k8sctl/abort ] && [ "$(cut -f3 /var/lib/k8sctl/abort)" != "$1" ]; then
        printf 'stale-abort\t'; cat /var/lib/k8sctl/abort; rm -f /var/lib/k8sctl/abort
      fi
    else
      echo held
      cat /var/lib/k8sctl/lock/owner 2>/dev/null || printf 'unknown\tunknown\n'
      cat /var/lib/k8sctl/abort 2>/dev/null || true
    fi
    """#

    static let releaseScript = #"""
    set -u
    owner=''; tab=$(printf '\t')
    IFS=$tab read -r owner rest < /var/lib/k8sctl/lock/owner 2>/dev/null || true
    if [ "$1" = "--force" ] || [ "$owner" = "$1" ]; then
      rm -rf /var/lib/k8sctl/lock
      # The request was for this run (or, forced, for a run that is gone): it has done its work.
      target=''
      if [ -f /var/lib/k8sctl/abort ]; then IFS=$tab read -r requester at target < /var/lib/k8sctl/abort 2>/dev/null || true; fi
      if [ "$1" = "--force" ] || [ "$target" = "$1" ]; then rm -f /var/lib/k8sctl/abort; fi
      echo released
    else echo "not-ours $owner"; fi
    """#

    /// Takes the lock on a majority of `hosts` (the control-plane hosts, in name order).
    /// - Returns: stale abort requests removed on the way (aimed at another holder).
    /// - Throws: `ExecutorError.lockHeld` naming the holder and since when; locks taken so far are released.
    @discardableResult
    public func acquire(on hosts: [any RemoteHost]) async throws -> [AbortRequest] {
        var stale: [AbortRequest] = []
        let ordered = hosts.sorted { $0.name < $1.name }
        let needed = ordered.count / 2 + 1
        var taken: [any RemoteHost] = []
        for host in ordered {
            let result = try await host.run(RemoteCommand(["/bin/sh", "-c", Self.acquireScript, "k8sctl-lock", holder]))
            let lines = result.stdout.split(separator: "\n").map(String.init)
            if result.succeeded, lines.first == "acquired" {
                taken.append(host)
                stale += lines.filter { $0.hasPrefix("stale-abort\t") }.compactMap { AbortRequest(line: String($0.dropFirst("stale-abort\t".count))) }
                if taken.count >= needed { return stale }
                continue
            }
            await release(on: taken)
            if lines.first == "held" {
                let fields = (lines.dropFirst().first ?? "unknown\tunknown").split(separator: "\t").map(String.init)
                let holder = fields.first ?? "unknown"
                // A pending `k8sctl abort` for that run is worth knowing: it will stop after its batch.
                let abort = lines.dropFirst(2).first.flatMap { AbortRequest(line: $0) }.flatMap { $0.applies(to: holder) ? $0 : nil }
                let since = (fields.count > 1 ? fields[1] : "unknown")
                    + (abort.map { " (abort requested by \($0.requestedBy) at \($0.requestedAt): it stops after its batch in flight)" } ?? "")
                throw ExecutorError.lockHeld(holder: holder, since: since, host: host.name)
            }
            throw ExecutorError.factsFailed(host: host.name, outcome: result.outcomeDescription, stderr: result.stderrTail())
        }
        await release(on: taken)
        throw ExecutorError.refused(reason: "could not take the cluster lock on a majority of the control-plane hosts (\(taken.count) of \(ordered.count))")
    }

    /// Releases the lock where this holder holds it. Never throws: a failed release leaves a lock that
    /// `k8sctl unlock` breaks.
    /// - Returns: the hosts where the release could not run at all (the connection failed), so the
    ///   caller can try those again through a new connection.
    @discardableResult
    public func release(on hosts: [any RemoteHost]) async -> [String] {
        let holder = self.holder
        return await withTaskGroup(of: String?.self) { group in
            for host in hosts {
                group.addTask {
                    // Bounded as HostPool's liveness check is: a silent host must not hold up the exit.
                    let command = RemoteCommand(["/bin/sh", "-c", Self.releaseScript, "k8sctl-unlock", holder], timeout: .seconds(10))
                    do { _ = try await host.run(command); return nil }
                    catch { return host.name }
                }
            }
            return await group.reduce(into: [String]()) { if let name = $1 { $0.append(name) } }
        }
    }

    /// Who holds the lock on `host`: its owner line (`HOLDER<TAB>TIME`, `unknown` when the owner
    /// file is missing), or nil when the host holds no lock. Read by `unlock` and `status`.
    public static func owner(on host: any RemoteHost) async throws -> String? {
        let result = try await host.run(RemoteCommand(["/bin/sh", "-c",
            "test -d \(directory) || exit 3; cat \(directory)/owner 2>/dev/null || echo unknown"]))
        return result.exitStatus == 3 ? nil : result.stdout.trimmingCharacters(in: .newlines)
    }

    /// Breaks the lock whoever holds it (`k8sctl unlock`, after a killed run).
    public func breakLock(on hosts: [any RemoteHost]) async throws -> [String] {
        var broken: [String] = []
        for host in hosts {
            let result = try await host.run(RemoteCommand(["/bin/sh", "-c", Self.releaseScript, "k8sctl-unlock", "--force"]))
            if result.stdout.hasPrefix("released") { broken.append(host.name) }
        }
        return broken
    }
}
