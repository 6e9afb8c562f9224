import K8sctlModel
import K8sctlRendering
import K8sctlTransport

/// After a restore: `member list` must name exactly the inventory's etcd hosts, all started, and
/// `endpoint health` must find every one of them healthy.
struct EtcdMembershipCheck {
    let cluster: Cluster

    /// - Returns: a one-line summary for the output.
    /// - Throws: `StepFailure` naming what differs.
    func verify(via connection: any RemoteHost, through member: Host, expected: [String]) async throws -> String {
        let etcdctl = EtcdMemberStep.etcdctl(endpoint: "https://\(member.clusterAddress.urlHost):\(cluster.etcd.clientPort)")
        let list = try await connection.run(RemoteCommand(etcdctl + ["member", "list", "-w", "simple", "--command-timeout=10s"]))
        guard list.succeeded else {
            throw StepFailure(command: "etcdctl member list", outcome: list.outcomeDescription, stderr: list.stderrTail())
        }
        // "ID, started, name, peer URLs, client URLs[, learner]"
        let rows = list.stdout.split(separator: "\n").map { $0.components(separatedBy: ", ") }.filter { $0.count > 2 }
        let started = rows.filter { $0[1] == "started" }.map { $0[2] }.sorted()
        guard started == expected.sorted(), rows.count == expected.count else {
            throw StepFailure.message("etcd members after the restore: \(rows.map { "\($0[2]) \($0[1])" }.joined(separator: ", ")); expected \(expected.sorted().joined(separator: ", ")) started")
        }
        let endpoints = cluster.etcdHosts.map { EtcdMemberFlags.clientURL($0, cluster: cluster) }.joined(separator: ",")
        let health = try await connection.run(RemoteCommand(
            EtcdMemberStep.etcdctl(endpoint: endpoints) + ["endpoint", "health", "--command-timeout=10s"]))
        let healthy = (health.stdout + health.stderr).components(separatedBy: "is healthy").count - 1
        guard health.succeeded, healthy == expected.count else {
            throw StepFailure(command: "etcdctl endpoint health", outcome: "\(healthy) of \(expected.count) members healthy",
                              stderr: health.stderrTail())
        }
        return "\(expected.count) members started and healthy: \(started.joined(separator: ", "))"
    }
}
