import Foundation
import K8sctlModel
import K8sctlRendering
import K8sctlTransport

/// Puts renewed certificates on the hosts and restarts what reads them, one host at a time for
/// etcd and control-plane hosts (each etcd member healthy, each API server ready, before the next
/// host), and the other kubelet hosts in batches of the rollout policy's worker batch size.
///
/// Per host: the certificate-carrying files (PKI directory, kubeconfigs) are compared by sha256 in
/// one round trip; only those that differ are written (atomically, the replaced ones copied to
/// `backupDirectory`), and only the components reading them restart. A host whose files already
/// match is left alone, so a run that stopped can simply be repeated.
struct CertificateRollout {
    let cluster: Cluster
    /// Every desired file per host (rendered with the renewed credentials); only certificate
    /// carriers are considered.
    let files: [String: [NodeFile]]
    let backupDirectory: String
    let sink: ApplyEventSink
    var healthTimeoutSeconds = 180

    struct Outcome: Sendable {
        /// Hosts where files were written, in rollout order.
        var written: [String]
        /// The components restarted on each of them.
        var restarted: [String: [CertificateConsumer]]
    }

    /// - Throws: `ExecutorError.stepFailed` naming the host and what did not come back; hosts after
    ///   it are not touched.
    func run(hosts: [K8sctlModel.Host], pool: HostPool) async throws -> Outcome {
        func group(_ host: K8sctlModel.Host) -> Int { host.isControlPlane ? 1 : host.isEtcd ? 0 : 2 }
        let ordered = hosts.enumerated().sorted { (group($0.element), $0.offset) < (group($1.element), $1.offset) }.map(\.element)
        var restarted: [String: [CertificateConsumer]] = [:]
        var written: [String] = []
        for host in ordered where group(host) < 2 {
            if let components = try await roll(host, connection: try await pool.require(host.name)) {
                written.append(host.name)
                restarted[host.name] = components
            }
        }
        let others = ordered.filter { group($0) == 2 }
        let batch = max(1, cluster.rollout.workers.batchSize.hosts(outOf: others.count))
        var index = 0
        while index < others.count {
            let chunk = Array(others[index..<min(index + batch, others.count)])
            var connections: [(K8sctlModel.Host, any RemoteHost)] = []
            for host in chunk { connections.append((host, try await pool.require(host.name))) }
            try await withThrowingTaskGroup(of: (String, [CertificateConsumer]?).self) { tasks in
                for (host, connection) in connections { tasks.addTask { (host.name, try await roll(host, connection: connection)) } }
                for try await (name, components) in tasks {
                    guard let components else { continue }
                    written.append(name)
                    restarted[name] = components
                }
            }
            index += batch
        }
        return Outcome(written: written, restarted: restarted.filter { !$0.value.isEmpty })
    }

    /// - Returns: the components restarted, or nil when the host's files were already current.
    private func roll(_ host: K8sctlModel.Host, connection: any RemoteHost) async throws -> [CertificateConsumer]? {
        let started = ContinuousClock.now
        func seconds() -> Double { let d = ContinuousClock.now - started; return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let carriers = (files[host.name] ?? []).filter { CertificateConsumer.carriesCertificates($0.path) }
        if carriers.isEmpty { return nil }
        let sums = try await connection.checksums(carriers.map(\.path))
        let changed = carriers.filter { file in
            guard case let sum?? = sums[file.path] else { return true }
            return sum != Applier.sha256(file.content)
        }
        if changed.isEmpty {
            sink(.stepFinished(host: host.name, step: "certificates", status: .ok, detail: "\(carriers.count) files current", seconds: seconds()))
            return nil
        }
        _ = try await connection.writeFiles(changed, backupDirectory: backupDirectory, directoryMode: 0o700)
        let paths = Set(changed.map(\.path))
        sink(.stepFinished(host: host.name, step: "certificates", status: .changed,
                           detail: changed.count <= 3 ? changed.map(\.path).joined(separator: ", ") : "\(changed.count) of \(carriers.count) files written",
                           seconds: seconds()))
        let components = CertificateConsumer.affected(by: paths, on: host)
        for component in components {
            let awaited = try await restart(component, on: host, connection: connection)
            sink(.stepFinished(host: host.name, step: "restart-\(component.rawValue)", status: .changed,
                               detail: awaited.map { "restarted; \($0)" } ?? "restarted (stopped, manifest back; the kubelet starts it)",
                               seconds: seconds()))
        }
        // A kubelet restart may take its static pods down with it: the API server must be back
        // before the next host goes.
        if host.isControlPlane, !components.isEmpty {
            try await waitFor(ControlPlaneManifests.apiServerReady(host, cluster: cluster), on: connection, host: host, what: "the API server ready")
        }
        return components
    }

    /// - Returns: what was awaited after the restart, or nil when only the stop was.
    private func restart(_ component: CertificateConsumer, on host: K8sctlModel.Host, connection: any RemoteHost) async throws -> String? {
        switch component {
        case .etcd where cluster.etcd.deployment == .host:
            try await EtcdRestore.require(connection, ["systemctl", "restart", "etcd.service"], step: "restart etcd")
            try await waitFor(ControlPlaneManifests.etcdMemberHealthy(host, cluster: cluster), on: connection, host: host, what: "etcd member healthy")
            return "member healthy"
        case .etcd:
            try await cycle(.etcd, on: host, connection: connection,
                            stopped: ControlPlaneManifests.etcdMemberHealthy(host, cluster: cluster))
            try await waitFor(ControlPlaneManifests.etcdMemberHealthy(host, cluster: cluster), on: connection, host: host, what: "etcd member healthy")
            return "member healthy"
        case .kubeAPIServer:
            try await cycle(.kubeAPIServer, on: host, connection: connection, stopped: ControlPlaneManifests.apiServerAnswers(host, cluster: cluster))
            try await waitFor(ControlPlaneManifests.apiServerReady(host, cluster: cluster), on: connection, host: host, what: "the API server ready")
            return "/readyz ok"
        case .kubeControllerManager:
            // No readiness is awaited for these two: their health ports are local and the kubelet
            // restarts them on its own; the API server's readiness after the host is what gates.
            try await cycle(.kubeControllerManager, on: host, connection: connection,
                            stopped: ["curl", "-sk", "--max-time", "2", "-o", "/dev/null", "https://127.0.0.1:10257/healthz"])
            return nil
        case .kubeScheduler:
            try await cycle(.kubeScheduler, on: host, connection: connection,
                            stopped: ["curl", "-sk", "--max-time", "2", "-o", "/dev/null", "https://127.0.0.1:10259/healthz"])
            return nil
        case .kubelet:
            try await EtcdRestore.require(connection, ["systemctl", "restart", "kubelet.service"], step: "restart kubelet")
            try await waitFor(ControlPlaneManifests.kubeletHealthy, on: connection, host: host, what: "the kubelet healthy")
            return "healthz ok"
        }
    }

    /// Static pod restart: manifest out, wait until the component stops answering, manifest back.
    private func cycle(_ component: ControlPlaneManifests.Component, on host: K8sctlModel.Host, connection: any RemoteHost, stopped probe: [String]) async throws {
        let parked = try await ControlPlaneManifests.park([component], on: connection)
        guard !parked.isEmpty else { return } // no such static pod on this host
        let down = try await ControlPlaneManifests.wait(on: connection, probe, untilSucceeds: false, seconds: healthTimeoutSeconds)
        try await ControlPlaneManifests.unpark([component], on: connection)
        guard down else {
            throw ExecutorError.stepFailed(host: host.name, step: "restart \(component.rawValue)", command: "move its manifest out and back",
                                           outcome: "still answering \(healthTimeoutSeconds) s after its manifest was moved away", stderr: "")
        }
    }

    private func waitFor(_ probe: [String], on connection: any RemoteHost, host: K8sctlModel.Host, what: String) async throws {
        guard try await ControlPlaneManifests.wait(on: connection, probe, untilSucceeds: true, seconds: healthTimeoutSeconds) else {
            throw ExecutorError.stepFailed(host: host.name, step: "certificate rollout", command: probe.joined(separator: " "),
                                           outcome: "\(what) not reached within \(healthTimeoutSeconds) s", stderr: "")
        }
    }
}
