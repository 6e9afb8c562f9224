import K8sctlInventory
import K8sctlModel
import K8sctlPlanning

/// Which hosts a run leaves out of its plan because they are already where it takes them:
///
/// - **resume**: the last run of this same inventory stopped (abort, Ctrl-C, failure policy) and
///   recorded the hosts it finished. Those hosts are skipped when their managed files still match
///   what is rendered now (not drifted), so a resumed upgrade does not cordon, drain and restart
///   hosts that are already upgraded, and does not retake the pre-upgrade etcd snapshot once the
///   control plane is done.
/// - **rollback**: hosts a stopped upgrade never reached are still on the target revision.
struct ResumePoint {
    /// Hosts to leave out, sorted.
    let skipped: [String]
    /// What to tell the user, when anything is skipped.
    let note: String?

    init(applied: AppliedState?, desired: Cluster, drifted: [String], rollback: RollbackDirective?) {
        if let rollback {
            skipped = rollback.untouchedHosts.sorted()
            note = skipped.isEmpty ? nil
                : "not rolling back \(skipped.joined(separator: ", ")): revision \(rollback.expectedRevision) stopped before reaching them"
            return
        }
        guard let applied, !applied.completed, let stop = applied.rolloutStop,
              applied.inventory == NativeInventoryWriter().yaml(for: desired) else {
            skipped = []
            note = nil
            return
        }
        skipped = Set(stop.hostsDone).subtracting(drifted).sorted()
        let redo = Set(stop.hostsDone).intersection(drifted).sorted()
        note = "resuming revision \(applied.revision), stopped at \(stop.summary)"
            + (skipped.isEmpty ? "" : "; already done, skipped: \(skipped.joined(separator: ", "))")
            + (redo.isEmpty ? "" : "; done but changed since, redone: \(redo.joined(separator: ", "))")
    }

    /// The stop to record for this run: its own, with the hosts skipped as done.
    func record(_ stop: RolloutStop?) -> RolloutStop? {
        guard var stop else { return nil }
        stop.hostsDone = skipped + stop.hostsDone.filter { !skipped.contains($0) }
        stop.hostsPending.removeAll { skipped.contains($0) }
        return stop
    }
}

extension Plan {
    /// The plan without the steps on `hosts`. Needs that pointed at them are dropped: those steps
    /// ran in an earlier run (resume) or have nothing to do (a host already on the target).
    func removingSteps(onHosts hosts: Set<String>) -> Plan {
        guard !hosts.isEmpty else { return self }
        var plan = self
        let removed = Set(steps.filter { hosts.contains($0.host) }.map(\.id))
        plan.steps = steps.filter { !hosts.contains($0.host) }.map { step in
            var step = step
            step.needs.removeAll { removed.contains($0) }
            return step
        }
        plan.batches = batches.map { batch in
            var batch = batch
            batch.hosts.removeAll { hosts.contains($0) }
            batch.criticalHosts.removeAll { hosts.contains($0) }
            return batch
        }
        return plan
    }
}
