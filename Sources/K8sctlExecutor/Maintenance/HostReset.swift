import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlPlanning
import K8sctlRendering
import K8sctlTransport

/// What `k8sctl reset` is asked to do.
public struct ResetRequest: Sendable {
    public enum Targets: Sendable, Hashable {
        /// Hosts that already left the cluster (scaled down, or removed while unreachable).
        case hosts([String])
        /// Every host of the cluster; the applied state and the lock go too.
        case all
    }
    public var desired: Cluster
    public var targets: Targets
    /// Delete instead of moving aside under `/var/lib/k8sctl-reset/<time>/`.
    public var wipeData: Bool
    public var playbookDirectory: String
    public var templates: TemplateLibrary
    public var connector: HostConnector
    public var parallelism: Int
    public var sink: ApplyEventSink

    public init(desired: Cluster, targets: Targets, wipeData: Bool, playbookDirectory: String, templates: TemplateLibrary,
                connector: HostConnector, parallelism: Int = 64, sink: @escaping ApplyEventSink = { _ in }) {
        self.desired = desired
        self.targets = targets
        self.wipeData = wipeData
        self.playbookDirectory = playbookDirectory
        self.templates = templates
        self.connector = connector
        self.parallelism = parallelism
        self.sink = sink
    }
}

/// Why a reset is refused before anything is touched.
public enum ResetRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The host is part of the live cluster: scale it down first.
    case member(host: String, reason: String)
    /// No inventory, state or revision knows the host.
    case unknownHost(String)

    public var description: String {
        switch self {
        case let .member(host, reason):
            return "\(host) is \(reason); resetting it would break the cluster. Remove it from the inventory and run "
                + "`k8sctl apply` (scale-down: drain, etcd member remove, services stopped), then reset it. Nothing was changed"
        case let .unknownHost(host):
            return "\(host): not in the inventory, the applied state or any earlier revision on the control-plane hosts; nothing was changed"
        }
    }
}

/// `k8sctl reset`: removes what k8sctl installed from hosts that left the cluster, or from the whole
/// cluster. By default everything is moved aside under `/var/lib/k8sctl-reset/<UTC time>/` with
/// its tree kept (the seed design: removed nodes must be recoverable); `wipeData` deletes instead.
///
/// A host still in the inventory, in the applied revision, or in etcd's member list is refused:
/// reset never takes a member out behind the cluster's back (that is what scale-down does).
public struct HostReset: Sendable {
    public init() {}

    public func run(_ request: ResetRequest) async throws -> ApplyReport {
        switch request.targets {
        case .hosts(let names): return try await resetRemoved(names, request)
        case .all: return try await resetAll(request)
        }
    }

    private func destination() -> String {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        return "/var/lib/k8sctl-reset/\(stamp)"
    }

    // MARK: - Hosts that left

    private func resetRemoved(_ names: [String], _ request: ResetRequest) async throws -> ApplyReport {
        let desired = request.desired
        for name in names where desired.host(named: name) != nil {
            throw ResetRefusal.member(host: name, reason: "in the inventory")
        }
        let session = LockedClusterSession(connector: request.connector, parallelism: request.parallelism, sink: request.sink)
        let staying = desired.hosts.filter { $0.isControlPlane || $0.isEtcd }
        return try await session.run(hosts: staying, controlPlane: desired.controlPlaneHosts) { pool, controlPlane in
            request.sink(.phase("reading the applied state"))
            var state = try await StateStore().pull(from: controlPlane)
            var targets: [(host: K8sctlModel.Host, cluster: Cluster)] = []
            for name in names {
                targets.append(try await locate(name, state: state, controlPlane: controlPlane))
            }
            try await refuseMembers(targets.map(\.host), desired: desired, pool: pool)

            request.sink(.phase("connecting to \(targets.count) host\(targets.count == 1 ? "" : "s") to reset"))
            await pool.connect(targets.map(\.host))
            var report = ApplyReport()
            let destination = destination()
            for (host, cluster) in targets {
                guard let connection = await pool.connection(host.name) else {
                    let reason = await pool.failures[host.name] ?? "not connected"
                    report.record(host: host.name, status: .failed)
                    report.failures.append(.init(host: host.name, step: "connect", message: reason))
                    request.sink(.stepFinished(host: host.name, step: "connect", status: .failed, detail: reason, seconds: 0))
                    continue
                }
                let plan = try installPlan(for: cluster, request: request)
                let outcome = await resetOne(host, footprint: ResetFootprint.of(host: host, in: cluster, plan: plan), connection: connection,
                                             request: request, destination: destination, report: &report)
                guard outcome, host.isControlPlane || host.isWorker else { continue }
                // Its kubelet is stopped now: a Node it registered again (a dead host that came back)
                // is deleted for good.
                await deleteNode(host.name, desired: desired, pool: pool, request: request, report: &report)
            }
            let resetNames = Set(report.hosts.values.filter { $0.failed == 0 }.map(\.host))
            if var current = state, let uncleaned = current.uncleanedHosts, uncleaned.contains(where: { resetNames.contains($0.name) }) {
                current.uncleanedHosts = uncleaned.filter { !resetNames.contains($0.name) }
                if current.uncleanedHosts?.isEmpty == true { current.uncleanedHosts = nil }
                try await StateStore().push(current, to: controlPlane)
                state = current
            }
            return report
        }
    }

    /// The host as the cluster last knew it: removed while unreachable (recorded), or in an earlier
    /// revision's inventory (newest first). A host in the applied revision is still a member.
    private func locate(_ name: String, state: AppliedState?, controlPlane: [any RemoteHost]) async throws -> (host: K8sctlModel.Host, cluster: Cluster) {
        if let state, let applied = InventoryLoader().load(text: state.inventory, file: "applied").cluster,
           applied.host(named: name) != nil {
            throw ResetRefusal.member(host: name, reason: "in the applied revision \(state.revision) (the inventory no longer has it, but apply has not removed it yet)")
        }
        guard let via = controlPlane.first else { throw ResetRefusal.unknownHost(name) }
        let listing = try await via.run(RemoteCommand(["sh", "-c", "ls -1 \"$0\" 2>/dev/null | sed -n 's/^\\([0-9][0-9]*\\)\\.yaml$/\\1/p' | sort -rn",
                                                       "\(AppliedState.directory)/revisions"]))
        for revision in listing.stdout.split(separator: "\n").compactMap({ Int($0) }) {
            guard let bytes = try? await via.readFile(AppliedState.revisionPath(revision)),
                  let cluster = InventoryLoader().load(text: String(decoding: bytes, as: UTF8.self), file: "revision \(revision)").cluster,
                  let host = cluster.host(named: name) else { continue }
            return (host, cluster)
        }
        throw ResetRefusal.unknownHost(name)
    }

    /// Refuses hosts etcd still lists as members (by name or peer URL), asked through a member that stays.
    private func refuseMembers(_ hosts: [K8sctlModel.Host], desired: Cluster, pool: HostPool) async throws {
        for member in desired.etcdHosts {
            guard let via = await pool.connection(member.name) else { continue }
            let etcdctl = EtcdMemberStep.etcdctl(endpoint: "https://\(member.clusterAddress.urlHost):\(desired.etcd.clientPort)")
            let list = try await via.run(RemoteCommand(etcdctl + ["member", "list", "-w", "simple", "--command-timeout=10s"]))
            guard list.succeeded else { continue }
            let rows = list.stdout.split(separator: "\n").map { $0.components(separatedBy: ", ") }
            for host in hosts {
                let peer = "https://\(host.clusterAddress.urlHost):\(desired.etcd.peerPort)"
                if rows.contains(where: { $0.count > 3 && ($0[2] == host.name || $0[3].split(separator: ",").contains(Substring(peer))) }) {
                    throw ResetRefusal.member(host: host.name, reason: "still an etcd member (etcdctl member list through \(member.name))")
                }
            }
            return
        }
        throw ExecutorError.refused(reason: "no etcd member answered `member list`; cannot tell whether the hosts to reset are still members; nothing was changed")
    }

    private func deleteNode(_ name: String, desired: Cluster, pool: HostPool, request: ResetRequest, report: inout ApplyReport) async {
        for cp in desired.controlPlaneHosts {
            guard let via = await pool.connection(cp.name) else { continue }
            let api = KubernetesAPIClient(via: via, baseURL: "https://\(cp.clusterAddress.urlHost):\(desired.controlPlane.endpoint.apiServerPort)")
            let started = ContinuousClock.now
            do {
                let response = try await api.request("DELETE", "/api/v1/nodes/\(KubernetesAPIClient.escape(name))")
                let status: StepStatus = response.status == 404 ? .ok : (200..<300).contains(response.status) ? .changed : .failed
                let detail = status == .failed ? "HTTP \(response.status): \(response.message)" : status == .ok ? "no Node \(name)" : "deleted Node \(name)"
                report.record(host: name, status: status)
                if status == .failed { report.failures.append(.init(host: name, step: "delete-node", message: detail)) }
                request.sink(.stepFinished(host: name, step: "delete-node", status: status, detail: detail, seconds: Self.seconds(since: started)))
            } catch {
                report.record(host: name, status: .failed)
                report.failures.append(.init(host: name, step: "delete-node", message: "\(error)"))
                request.sink(.stepFinished(host: name, step: "delete-node", status: .failed, detail: "\(error)", seconds: Self.seconds(since: started)))
            }
            return
        }
    }

    // MARK: - The whole cluster

    private func resetAll(_ request: ResetRequest) async throws -> ApplyReport {
        let desired = request.desired
        let session = LockedClusterSession(connector: request.connector, parallelism: request.parallelism, sink: request.sink)
        return try await session.run(hosts: desired.hosts, controlPlane: desired.controlPlaneHosts) { pool, controlPlane in
            let state = try await StateStore().pull(from: controlPlane)
            if let state, state.cluster != desired.name {
                throw ExecutorError.refused(reason: "the hosts hold the state of cluster '\(state.cluster)', not '\(desired.name)'; nothing was changed")
            }
            let plan = try installPlan(for: desired, request: request)
            var report = ApplyReport()
            let destination = destination()
            // Workers, then the control plane, then etcd-only hosts (the order of `stop`); the
            // applied state and the lock (under /var/lib/k8sctl) go with the control-plane hosts.
            let groups = [desired.hosts.filter { !$0.isControlPlane && !$0.isEtcd },
                          desired.hosts.filter(\.isControlPlane),
                          desired.hosts.filter { $0.isEtcd && !$0.isControlPlane }]
            for (index, group) in groups.enumerated() where !group.isEmpty {
                request.sink(.batchStarted(index: index + 1, name: ["workers", "control plane", "etcd"][index], hosts: group.map(\.name)))
                for host in group {
                    guard let connection = await pool.connection(host.name) else { continue }
                    _ = await resetOne(host, footprint: ResetFootprint.of(host: host, in: desired, plan: plan), connection: connection,
                                       request: request, destination: destination, report: &report)
                }
            }
            for host in state?.uncleanedHosts ?? [] {
                request.sink(.warning("\(host.name) (\(host.address)) was removed while unreachable and is not in the inventory: reset it separately if it comes back"))
            }
            return report
        }
    }

    // MARK: - One host

    private func installPlan(for cluster: Cluster, request: ResetRequest) throws -> Plan {
        switch PlanRequest(desired: cluster, playbookDirectory: request.playbookDirectory,
                           templateDirectory: request.templates.directory).make() {
        case .planned(let plan, _): return plan
        case .unusablePlaybooks(let diagnostics), .refused(let diagnostics):
            throw ExecutorError.refused(reason: "cannot derive what k8sctl installed (install plan refused); nothing was changed:\n"
                + diagnostics.errors.map { "  \($0.message)" }.joined(separator: "\n"))
        }
    }

    private func resetOne(_ host: K8sctlModel.Host, footprint: ResetFootprint, connection: any RemoteHost, request: ResetRequest,
                          destination: String, report: inout ApplyReport) async -> Bool {
        let started = ContinuousClock.now
        do {
            let result = try await connection.run(RemoteCommand(footprint.argv(wipe: request.wipeData, destination: destination),
                                                                timeout: .seconds(300)))
            let lines = result.stdout.split(separator: "\n")
            let touched = lines.filter { $0.hasPrefix("moved ") || $0.hasPrefix("removed ") }.count
            let where_ = request.wipeData ? "deleted" : "moved to \(destination)"
            let detail = "\(footprint.units.count) units stopped and disabled, \(touched) paths \(where_)"
            guard result.succeeded else {
                let message = "\(result.outcomeDescription): \(result.stderrTail())"
                report.record(host: host.name, status: .failed)
                report.failures.append(.init(host: host.name, step: "reset", message: message))
                request.sink(.stepFinished(host: host.name, step: "reset", status: .failed, detail: message, seconds: Self.seconds(since: started)))
                return false
            }
            report.record(host: host.name, status: touched > 0 ? .changed : .ok)
            request.sink(.stepFinished(host: host.name, step: "reset", status: touched > 0 ? .changed : .ok,
                                       detail: touched > 0 ? detail : "nothing of k8sctl's left", seconds: Self.seconds(since: started)))
            return true
        } catch {
            report.record(host: host.name, status: .failed)
            report.failures.append(.init(host: host.name, step: "reset", message: "\(error)"))
            request.sink(.stepFinished(host: host.name, step: "reset", status: .failed, detail: "\(error)", seconds: Self.seconds(since: started)))
            return false
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
