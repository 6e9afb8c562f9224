import K8sctlModel

/// The rollout policy: batch sizes, failure limits, critical hosts.
enum RolloutRules {
    static let all: [ValidationRule] = [emptyBatch, batchAbovePool, failurePercentRange, unknownCriticalHost, controlPlaneBatchQuorum]

    static let emptyBatch = ValidationRule(
        id: "K8S-ROLLOUT-001", category: .rollout, severity: .error,
        summary: "A batch size is zero or negative.",
        explanation: """
        A batch of no hosts never finishes the rollout: the apply would wait forever or silently \
        skip every host.
        """,
        fix: "Use a batch size of at least 1 (or a percentage above 0%).") { context in
        let rollout = context.desired.rollout
        var findings: [Diagnostic] = []
        if rollout.controlPlane.batchSize <= 0 {
            findings.append(context.finding("control-plane batch size is \(rollout.controlPlane.batchSize)",
                                            at: "spec.rollout.controlPlane.batchSize", subject: "rollout.controlPlane"))
        }
        for (key, size) in [("batchSize", rollout.workers.batchSize), ("newHostBatchSize", rollout.workers.newHostBatchSize)] {
            switch size {
            case .count(let value) where value <= 0, .percent(let value) where value <= 0:
                findings.append(context.finding("worker \(key == "batchSize" ? "batch size" : "batch size for new hosts") is \(size)",
                                                at: "spec.rollout.workers.\(key)", subject: "rollout.workers"))
            default: break
            }
        }
        return findings
    }

    static let batchAbovePool = ValidationRule(
        id: "K8S-ROLLOUT-002", category: .rollout, severity: .error,
        summary: "A batch size is larger than the hosts it applies to.",
        explanation: """
        A batch as large as the whole pool changes every host at once: there is no canary batch to \
        stop on, and every workload is drained at the same moment. A percentage above 100% is a typo.
        """,
        fix: "Use a batch size below the number of hosts, or a percentage such as 20%.") { context in
        let cluster = context.desired
        let rollout = cluster.rollout
        let workers = cluster.hosts.reduce(0) { $0 + ($1.isWorker && !$1.isControlPlane ? 1 : 0) }  // counted, not copied
        var findings: [Diagnostic] = []
        switch rollout.workers.batchSize {
        case .percent(let value) where value > 100:
            findings.append(context.finding("worker batch size \(value)% is above 100%",
                                            at: "spec.rollout.workers.batchSize", subject: "rollout.workers"))
        case .count(let value) where workers > 1 && value >= workers:
            findings.append(context.finding("worker batch size \(value) covers all \(workers) workers at once",
                                            at: "spec.rollout.workers.batchSize", subject: "rollout.workers"))
        default: break
        }
        // New workers run no workload yet: one batch of all of them is the default, not a mistake;
        // only a percentage above 100% is (a typo).
        if case .percent(let value) = rollout.workers.newHostBatchSize, value > 100 {
            findings.append(context.finding("worker batch size for new hosts \(value)% is above 100%",
                                            at: "spec.rollout.workers.newHostBatchSize", subject: "rollout.workers"))
        }
        let controlPlane = cluster.controlPlaneHosts.count
        if controlPlane > 1 && rollout.controlPlane.batchSize >= controlPlane {
            findings.append(context.finding(
                "control-plane batch size \(rollout.controlPlane.batchSize) covers all \(controlPlane) control-plane hosts at once",
                at: "spec.rollout.controlPlane.batchSize", subject: "rollout.controlPlane"))
        }
        return findings
    }

    static let failurePercentRange = ValidationRule(
        id: "K8S-ROLLOUT-003", category: .rollout, severity: .error,
        summary: "maxFailurePercent is outside 0–100.",
        explanation: """
        The rollout stops when more than maxFailurePercent of the hosts done so far failed. Below 0 \
        it can never be satisfied; above 100 it never stops a failing rollout.
        """,
        fix: "Set spec.rollout.workers.maxFailurePercent between 0 and 100.") { context in
        let value = context.desired.rollout.workers.maxFailurePercent
        guard value < 0 || value > 100 else { return [] }
        return [context.finding("maxFailurePercent is \(value)", at: "spec.rollout.workers.maxFailurePercent",
                                subject: "rollout.workers")]
    }

    static let unknownCriticalHost = ValidationRule(
        id: "K8S-ROLLOUT-004", category: .rollout, severity: .error,
        summary: "A critical host named in the rollout policy does not exist.",
        explanation: """
        spec.rollout.criticalHosts names hosts whose failure stops the rollout at once. A name that \
        matches no host is usually a typo, and the host that was meant is left unprotected.
        """,
        fix: "Correct the name in spec.rollout.criticalHosts, or mark the host with `critical: true`.") { context in
        let cluster = context.desired
        let names = Set(cluster.hosts.map(\.name))
        return cluster.rollout.criticalHosts.enumerated().compactMap { index, name in
            names.contains(name) ? nil
                : context.finding("critical host \(name) is not declared in spec.hosts",
                                  at: "spec.rollout.criticalHosts[\(index)]", subject: name)
        }
    }

    static let controlPlaneBatchQuorum = ValidationRule(
        id: "K8S-ROLLOUT-005", category: .rollout, severity: .error,
        summary: "The control-plane batch size takes down more etcd members than the quorum tolerates.",
        explanation: """
        Control-plane hosts that also hold etcd restart their member during a rollout. A batch \
        larger than etcd's failure tolerance (⌊(n−1)/2⌋ of n members) stops a majority at once and \
        the cluster refuses writes until the batch is back.
        """,
        fix: "Lower spec.rollout.controlPlane.batchSize to the etcd failure tolerance (1 for 3 or 4 members, 2 for 5).") { context in
        let cluster = context.desired
        let members = cluster.etcdHosts.count
        let stacked = cluster.controlPlaneHosts.filter(\.isEtcd).count
        let batch = cluster.rollout.controlPlane.batchSize
        let tolerance = QuorumArithmetic.failureTolerance(of: members)
        // Restarting one member at a time is the least any rollout can do: with 1 or 2 members that
        // outage is the topology's (K8S-TOPOLOGY-003, K8S-QUORUM-004), not the batch size's.
        guard stacked > 0, min(batch, stacked) > max(1, tolerance) else { return [] }
        return [context.finding(
            "control-plane batch size \(batch) restarts up to \(min(batch, stacked)) of \(members) etcd members; they tolerate \(tolerance)",
            at: "spec.rollout.controlPlane.batchSize", subject: "rollout.controlPlane")]
    }
}
