import Foundation
import K8sctlModel
import K8sctlPKI
import K8sctlRendering

/// Automatic renewal during `apply` (`spec.pki.renewBeforeDays`): the store already re-issued every
/// leaf within that many days of expiry; this puts them on the hosts that were already in the
/// cluster *before* the plan runs, with the same rolling restarts as `k8sctl certs renew` (install
/// steps would restart every etcd member at once and never restart an API server for a new
/// certificate). New hosts get theirs from their install steps as usual.
enum ExpiringCertificates {
    /// Certificates this run re-issued because they were about to expire.
    static func renewedForExpiry(_ report: IssueReport) -> [CertificateID] {
        report.entries.compactMap { entry in
            if case .renewed(.expiresSoon) = entry.action { return entry.id }
            return nil
        }
    }

    /// - Returns: the hosts whose certificate files were written (the caller counts them as changed
    ///   and gathers facts again), or nil when nothing was renewed for expiry.
    static func rollOut(report: IssueReport, desired: Cluster, previous: Cluster?, rendered: [RenderedHost],
                        pool: HostPool, sink: @escaping ApplyEventSink, now: Date = Date()) async throws -> [String]? {
        let renewed = renewedForExpiry(report)
        guard let previous, !renewed.isEmpty else { return nil }
        let hosts = desired.hosts.filter { previous.host(named: $0.name) != nil }
        guard !hosts.isEmpty else { return nil }
        sink(.phase("rolling out \(renewed.count) certificate(s) renewed within spec.pki.renewBeforeDays (\(desired.pki.renewBeforeDays) days) of expiry"))
        let rollout = CertificateRollout(cluster: desired, files: Dictionary(rendered.map { ($0.host, $0.files) }, uniquingKeysWith: { a, _ in a }),
                                         backupDirectory: CertificateRenewal.backupDirectory(now: now), sink: sink)
        return try await rollout.run(hosts: hosts, pool: pool).written
    }
}
