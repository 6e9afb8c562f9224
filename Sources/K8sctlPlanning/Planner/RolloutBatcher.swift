import K8sctlModel
import K8sctlValidation

/// A batch before it gets its global index.
struct BatchDraft {
    var name: String
    var hosts: [Host]
    var maxFailurePercent: Int
    var pause: TimeSpan?
    var confirm: Bool
    /// Which setting cut the batch, for `plan` (worker batches only).
    var sizeRule: String? = nil
}

/// Orders one operation's hosts and cuts them into batches.
///
/// - etcd and control-plane hosts go before workers (after them for scale-down and rollback, which
///   undo in reverse), in batches no larger than quorum allows: ⌊(members − 1) / 2⌋, at least 1,
///   and never above `rollout.controlPlane.batchSize`. Membership changes go one host per batch.
/// - Workers go in batches of `rollout.workers.batchSize`, with the failure budget, pause and
///   confirmation of the policy; workers being added (install, scale-up: only new hosts take part
///   in those operations) in batches of `rollout.workers.newHostBatchSize` (100% by default).
struct RolloutBatcher {
    let operation: PlaybookOperation
    let policy: RolloutPolicy
    /// Voting etcd members while the operation runs (for the quorum cap).
    let etcdMembers: Int
    let controlPlaneCount: Int

    /// The largest control-plane/etcd batch quorum allows for `members` voting members.
    static func quorumBatchLimit(members: Int) -> Int { max(1, QuorumArithmetic.failureTolerance(of: members)) }

    func batches(for hosts: [Host]) -> [BatchDraft] {
        let etcdOnly = hosts.filter { $0.isEtcd && !$0.isControlPlane }
        let controlPlane = hosts.filter(\.isControlPlane)
        let workers = hosts.filter { !$0.isEtcd && !$0.isControlPlane }
        var serialGroups: [(String, [Host], Int)] = []
        switch operation {
        case .install, .start, .etcdBackup:
            // New or stopped members start together (a stopped cluster has no quorum to protect).
            serialGroups = [("control plane", etcdOnly + controlPlane, max(1, etcdOnly.count + controlPlane.count))]
        case .stop:
            serialGroups = [("etcd", etcdOnly, max(1, etcdOnly.count)), ("control plane", controlPlane, max(1, controlPlane.count))]
        case .scaleUp, .scaleDown:
            serialGroups = [("etcd", etcdOnly, 1), ("control plane", controlPlane, 1)]
        case .upgrade, .rollback, .configChange:
            let etcdLimit = min(policy.controlPlane.batchSize, Self.quorumBatchLimit(members: etcdMembers))
            let stacked = controlPlane.contains(where: \.isEtcd)
            let cpLimit = min(policy.controlPlane.batchSize,
                              stacked ? Self.quorumBatchLimit(members: etcdMembers) : Self.quorumBatchLimit(members: controlPlaneCount))
            serialGroups = [("etcd", etcdOnly, max(1, etcdLimit)), ("control plane", controlPlane, max(1, cpLimit))]
        }
        var serial: [BatchDraft] = []
        for (label, group, size) in serialGroups where !group.isEmpty {
            let chunks = group.chunked(size)
            for (index, chunk) in chunks.enumerated() {
                let suffix = chunks.count > 1 ? " \(index + 1)/\(chunks.count)" : ""
                serial.append(BatchDraft(name: "\(operation.rawValue): \(label)\(suffix)", hosts: chunk,
                                         maxFailurePercent: 0, pause: nil, confirm: false))
            }
        }
        var workerBatches: [BatchDraft] = []
        let addsHosts = operation == .install || operation == .scaleUp
        let sizeSetting = addsHosts ? policy.workers.newHostBatchSize : policy.workers.batchSize
        let size = max(1, sizeSetting.hosts(outOf: workers.count))
        let chunks = workers.chunked(size)
        for (index, chunk) in chunks.enumerated() {
            let last = index == chunks.count - 1
            let pause = policy.workers.pauseBetweenBatches.milliseconds > 0 && !last ? policy.workers.pauseBetweenBatches : nil
            workerBatches.append(BatchDraft(name: "\(operation.rawValue): workers \(index + 1)/\(chunks.count)", hosts: chunk,
                                            maxFailurePercent: policy.workers.maxFailurePercent, pause: pause,
                                            confirm: policy.workers.confirmEachBatch && !last,
                                            sizeRule: addsHosts ? "newHostBatchSize \(sizeSetting) (new hosts)" : "batchSize \(sizeSetting)"))
        }
        switch operation {
        case .stop:
            // Workloads' nodes stop first, then the API servers, etcd last.
            return workerBatches + serial.reversed()
        case .scaleDown:
            // Workers leave first so their pods land on hosts that stay; then the control plane.
            return workerBatches + serial
        case .rollback:
            // Undo in the reverse order of the upgrade: workers, then the control plane backwards.
            var reversedWorkers = workerBatches.reversed().map { batch -> BatchDraft in var copy = batch; copy.hosts.reverse(); return copy }
            // Pause and confirmation sit between worker batches, so they move with the new order.
            for index in reversedWorkers.indices {
                let last = index == reversedWorkers.count - 1
                reversedWorkers[index].pause = policy.workers.pauseBetweenBatches.milliseconds > 0 && !last ? policy.workers.pauseBetweenBatches : nil
                reversedWorkers[index].confirm = policy.workers.confirmEachBatch && !last
            }
            return reversedWorkers + serial.reversed().map { batch -> BatchDraft in var copy = batch; copy.hosts.reverse(); return copy }
        default:
            return serial + workerBatches
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        guard size > 0 else { return [self] }
        return stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
