import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlPlanning
import K8sctlTransport

/// `k8sctl stop` and `k8sctl start`: the whole cluster's services in a safe order, through the
/// `stop` and `start` playbooks (workers → control plane → etcd; etcd → API → Nodes Ready), under the
/// cluster lock, recorded in the applied state.
///
/// Only an inventory equal to the applied one is accepted (a stop is not the moment to change the
/// cluster), and only on a cluster whose last apply completed. There is no host filter: stopping a
/// subset of etcd members could cost quorum, and a partial start cannot be verified (the API needs
/// etcd, Nodes need the API).
public struct ClusterPowerOperation: Sendable {
    public enum Kind: String, Sendable { case stop, start }

    public let kind: Kind
    public init(_ kind: Kind) { self.kind = kind }

    /// Runs the operation. The request's `rollback` is ignored.
    /// - Throws: `ExecutorError.refused` (unreachable hosts, no applied state, inventory differs,
    ///   unusable playbooks) before anything is touched; `lockHeld` when another run holds the lock.
    public func run(_ request: ApplyRequest) async throws -> ApplyReport {
        let started = ContinuousClock.now
        let desired = request.desired
        let session = LockedClusterSession(connector: request.connector, parallelism: request.parallelism, sink: request.sink)
        return try await session.run(hosts: desired.hosts, controlPlane: desired.controlPlaneHosts) { pool, controlPlane in
            var report = try await runLocked(request, pool: pool, controlPlane: controlPlane)
            let elapsed = ContinuousClock.now - started
            report.wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return report
        }
    }

    private func runLocked(_ request: ApplyRequest, pool: HostPool, controlPlane: [any RemoteHost]) async throws -> ApplyReport {
        let desired = request.desired
        let sink = request.sink
        sink(.phase("reading the applied state"))
        guard var state = try await StateStore().pull(from: controlPlane) else {
            throw ExecutorError.refused(reason: "\(desired.name) was never applied (no \(AppliedState.statePath) on its control-plane hosts); nothing to \(kind.rawValue)")
        }
        guard state.completed else {
            throw ExecutorError.refused(reason: "the last apply (revision \(state.revision)) stopped partway (\(state.stoppedAt ?? "unknown")); run apply to finish it before `k8sctl \(kind.rawValue)`; nothing was changed")
        }
        let loaded = InventoryLoader().load(text: state.inventory, file: "cluster:\(AppliedState.revisionPath(state.revision))")
        guard let applied = loaded.cluster else {
            throw ExecutorError.refused(reason: "the applied state (revision \(state.revision)) does not load: " + loaded.diagnostics.map(\.message).joined(separator: "; "))
        }

        sink(.phase("planning \(kind.rawValue)"))
        let outcome = PlanRequest(previous: applied, desired: desired, playbookDirectory: request.playbookDirectory,
                                  templateDirectory: request.templates.directory,
                                  maintenance: kind == .stop ? .stop : .start).make()
        let plan: Plan
        switch outcome {
        case .unusablePlaybooks(let diagnostics), .refused(let diagnostics):
            throw ExecutorError.refused(reason: "\(kind.rawValue) refused; nothing was changed:\n"
                + diagnostics.errors.map { "  \($0.location.map { "\($0): " } ?? "")\($0.message)\($0.hint.map { " (\($0))" } ?? "")" }.joined(separator: "\n"))
        case .planned(let planned, _):
            plan = planned
        }
        let unsupported = Set(plan.steps.map(\.action.kind)).subtracting(StepRunner.implemented)
        guard unsupported.isEmpty else {
            throw ExecutorError.refused(reason: "the \(kind.rawValue) plan needs actions this version cannot run (\(unsupported.map(\.rawValue).sorted().joined(separator: ", "))); nothing was changed")
        }

        if kind == .stop {
            // Recorded first: a stop that fails halfway leaves a cluster apply must not mistake for drifted.
            if state.stopped == nil { state.stopped = ClusterStopRecord(by: ClusterLock.defaultHolder()) }
            try await StateStore().push(state, to: controlPlane)
        } else if let stopped = state.stopped {
            sink(.phase("starting the cluster stopped \(stopped.since) by \(stopped.by)"))
        }

        sink(.phase("\(kind == .stop ? "stopping" : "starting"): \(plan.steps.count) steps in \(plan.batches.count) batches"))
        let contexts = await Self.contexts(for: desired, request: request, pool: pool)
        let report = await PlanExecution(plan: plan, contexts: contexts, parallelism: request.parallelism,
                                         sink: sink, interrupt: request.interrupt,
                                         abortCheck: { await AbortRequest.pending(for: ClusterLock.defaultHolder(), on: controlPlane) }).run()
        if kind == .start, report.succeeded, state.stopped != nil {
            state.stopped = nil
            try await StateStore().push(state, to: controlPlane)
        }
        var finished = report
        finished.revision = state.revision
        return finished
    }

    /// Step contexts for maintenance steps: nothing to write, connections to every host.
    static func contexts(for cluster: Cluster, request: ApplyRequest, pool: HostPool) async -> [String: StepContext] {
        await MaintenanceContexts.make(cluster: cluster, hosts: cluster.hosts, pool: pool, inventoryPath: request.inventoryPath)
    }
}
