import Foundation
import K8sctlModel
import K8sctlPKI
import K8sctlRendering
import K8sctlTransport

/// `k8sctl certs check-expiration INVENTORY`: the expiry of every certificate on every host, read
/// in one round trip per host. Private keys never leave the hosts: kubeconfigs are filtered on the
/// node down to their certificate lines. Read-only, so it takes no lock (a cron job must not
/// block, or be blocked by, an apply).
public struct LiveCertificateCheck: Sendable {
    public struct Outcome: Sendable {
        public var rows: [ExpirationCheck.Row]
        /// Hosts that could not be read, with why.
        public var unreachable: [String: String]
        /// Files that claim to hold a certificate but do not parse, as `host:path: reason`.
        public var problems: [String]
    }

    /// Prints `==> PATH` before each file: certificates whole, kubeconfigs only their
    /// certificate-data lines.
    static let script = #"""
    pki=$1; kube=$2
    { find "$pki" -type f -name '*.crt' 2>/dev/null; find "$kube" -maxdepth 1 -type f -name '*.conf' 2>/dev/null; } | sort | while IFS= read -r f; do
      printf '==> %s\n' "$f"
      case "$f" in
        *.conf) grep -E '^[[:space:]]*(client-certificate-data|certificate-authority-data):' "$f" || true ;;
        *) cat "$f"; echo ;;
      esac
    done
    """#

    public init() {}

    public func check(cluster: Cluster, connector: HostConnector, withinDays: Int, now: Date = Date(),
                      parallelism: Int = 64) async -> Outcome {
        let pool = HostPool(connector: connector, parallelism: parallelism)
        await pool.connect(cluster.hosts)
        var unreachable = await pool.failures
        var rows: [ExpirationCheck.Row] = []
        var problems: [String] = []
        await withTaskGroup(of: (String, Result<String, Error>).self) { group in
            for host in cluster.hosts {
                guard let connection = await pool.connection(host.name) else { continue }
                group.addTask {
                    do {
                        let result = try await connection.run(RemoteCommand(["/bin/sh", "-c", Self.script, "k8sctl-certs",
                                                                             NodePaths.pki, NodePaths.kubernetesDirectory]))
                        guard result.succeeded else {
                            return (host.name, .failure(ExecutorError.factsFailed(host: host.name, outcome: result.outcomeDescription, stderr: result.stderrTail())))
                        }
                        return (host.name, .success(result.stdout))
                    } catch {
                        return (host.name, .failure(error))
                    }
                }
            }
            for await (name, result) in group {
                switch result {
                case .failure(let error): unreachable[name] = "\(error)"
                case .success(let output):
                    let (found, unreadable) = Self.rows(from: output, host: name, now: now, withinDays: withinDays)
                    rows += found
                    problems += unreadable
                }
            }
        }
        await pool.closeAll()
        rows.sort { ($0.host ?? "", $0.path) < ($1.host ?? "", $1.path) }
        return Outcome(rows: rows, unreachable: unreachable, problems: problems.sorted())
    }

    /// Splits the script's output into files and reads their certificates.
    static func rows(from output: String, host: String, now: Date, withinDays: Int) -> ([ExpirationCheck.Row], [String]) {
        var rows: [ExpirationCheck.Row] = []
        var problems: [String] = []
        var path: String?
        var text = ""
        func flush() {
            guard let path else { return }
            do {
                rows += try ExpirationCheck.rows(in: text, path: path, now: now, warnWithinDays: withinDays).map { row in
                    var row = row
                    row.host = host
                    return row
                }
            } catch {
                problems.append("\(host):\(path): \(error)")
            }
        }
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("==> ") {
                flush()
                path = String(line.dropFirst(4))
                text = ""
            } else {
                text += line + "\n"
            }
        }
        flush()
        return (rows, problems)
    }
}
