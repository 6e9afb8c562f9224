import K8sctlModel
import K8sctlTransport

/// What `k8sctl abort` found and did on each control-plane host.
public struct AbortReport: Sendable {
    /// Hosts where the request was written, with the lock's owner line (`HOLDER<TAB>SINCE`).
    public var requested: [(host: String, owner: String)] = []
    /// Reachable hosts holding no lock.
    public var notRunning: [String] = []
    public var unreachable: [(host: String, reason: String)] = []

    /// The holders asked to stop (normally one).
    public var holders: [String] {
        Array(Set(requested.map { $0.owner.split(separator: "\t").first.map(String.init) ?? $0.owner })).sorted()
    }
}

/// `k8sctl abort`: asks the apply holding the cluster lock to stop after its batch in flight, by
/// writing an `AbortRequest` next to the lock on every control-plane host that holds it.
public struct RolloutAbort: Sendable {
    public init() {}

    public func request(cluster: Cluster, connector: HostConnector,
                        requester: String = AbortRequest.defaultRequester()) async -> AbortReport {
        let pool = HostPool(connector: connector)
        await pool.connect(cluster.controlPlaneHosts)
        var report = AbortReport()
        for host in cluster.controlPlaneHosts {
            guard let connection = await pool.connection(host.name) else {
                report.unreachable.append((host.name, await pool.failures[host.name] ?? "not connected"))
                continue
            }
            do {
                let result = try await connection.run(RemoteCommand(["/bin/sh", "-c", AbortRequest.writeScript, "k8sctl-abort", requester]))
                let lines = result.stdout.split(separator: "\n").map(String.init)
                if result.succeeded, lines.first == "requested" {
                    report.requested.append((host.name, lines.dropFirst().first ?? "unknown"))
                } else if result.succeeded, lines.first == "not-running" {
                    report.notRunning.append(host.name)
                } else {
                    report.unreachable.append((host.name, "writing the abort request failed (\(result.outcomeDescription)): \(result.stderrTail())"))
                }
            } catch {
                report.unreachable.append((host.name, "\(error)"))
            }
        }
        await pool.closeAll()
        return report
    }
}
