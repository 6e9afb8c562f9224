import Foundation
import K8sctlModel
import K8sctlTransport

/// What `k8sctl unlock` found and did on each control-plane host.
public struct UnlockReport: Sendable {
    /// Control-plane hosts where a lock directory was removed, with the holder line it held
    /// (`HOLDER<TAB>TIME`, or `unknown` when the owner file was missing).
    public var broken: [(host: String, heldBy: String)]
    /// Control-plane hosts that held no lock.
    public var free: [String]
    /// Control-plane hosts that could not be reached (their lock, if any, is still there).
    public var unreachable: [(host: String, reason: String)]
}

/// Breaks a cluster lock left by a killed apply (`k8sctl unlock`): on every reachable
/// control-plane host, whoever holds it. Explicit by design — an apply never breaks a lock itself,
/// because a lock that looks stale may belong to a slow runner elsewhere.
public struct StaleLockBreaker: Sendable {
    public init() {}

    /// Connects to `cluster`'s control-plane hosts and removes the lock directory where present.
    /// Hosts that cannot be reached are reported, not fatal: the lock needs a majority, so breaking
    /// it on the reachable ones already lets the next apply in when they are a majority.
    public func breakLock(cluster: Cluster, connector: HostConnector) async -> UnlockReport {
        let pool = HostPool(connector: connector)
        let hosts = cluster.controlPlaneHosts
        await pool.connect(hosts)
        var report = UnlockReport(broken: [], free: [], unreachable: [])
        for host in hosts {
            guard let connection = await pool.connection(host.name) else {
                report.unreachable.append((host.name, await pool.failures[host.name] ?? "not connected"))
                continue
            }
            do {
                guard let owner = try await ClusterLock.owner(on: connection) else { report.free.append(host.name); continue }
                let broken = try await ClusterLock(holder: "k8sctl unlock").breakLock(on: [connection])
                if broken.contains(host.name) {
                    report.broken.append((host.name, owner))
                } else {
                    report.unreachable.append((host.name, "the lock directory could not be removed"))
                }
            } catch {
                report.unreachable.append((host.name, "\(error)"))
            }
        }
        await pool.closeAll()
        return report
    }
}
