import K8sctlModel

/// etcd membership across a change: the previous inventory's etcd hosts are the current members.
enum QuorumRules {
    static let all: [ValidationRule] = [singleStepReachability, majorityRemoved, everyMemberReplaced, belowThree]

    /// The membership change the inventories describe, with members observed down.
    static func membership(_ context: RuleContext) -> EtcdMembership? {
        guard let previous = context.previous else { return nil }
        let current = Set(previous.etcdHosts.map(\.name))
        let down = Set(current.filter { context.observed?.isEtcdMemberDown($0) ?? false })
        return EtcdMembership(current: current, target: Set(context.desired.etcdHosts.map(\.name)), down: down)
    }

    /// Where to point for a membership problem: the first added member's roles, else the roles
    /// of the first removed member if it is still declared, else the first member's; and in the
    /// previous inventory, the first removed member's roles.
    static func changePaths(_ context: RuleContext, _ membership: EtcdMembership) -> (path: String, previousPath: String?) {
        let desired = context.desired
        let added = desired.etcdHosts.first { membership.added.contains($0.name) }
        let removedStill = desired.hosts.first { membership.removed.contains($0.name) }
        let removedBefore = context.previous?.etcdHosts.first { membership.removed.contains($0.name) }
        let path = (added ?? removedStill ?? desired.etcdHosts.first)?.path("roles") ?? "spec.hosts"
        return (path, removedBefore?.path("roles"))
    }

    static func list(_ names: Set<String>) -> String { names.sorted().joined(separator: ", ") }

    static let singleStepReachability = ValidationRule(
        id: "K8S-QUORUM-001", category: .quorum, severity: .error,
        summary: "The new etcd membership cannot be reached by single-member changes that each keep a live majority.",
        explanation: """
        k8sctl changes etcd membership one member at a time (member add, start; member remove), \
        and etcd accepts each change only under its strict reconfiguration check: a live majority \
        of the current members commits it, a member add needs every current member up, and a \
        member remove needs the live members left to be a majority of the smaller membership. \
        Members observed down count against these. If no order of single-member steps passes, the \
        apply would stall half-way with etcd refusing the next change.
        """,
        fix: "Bring the members that are down back first, or remove the dead members in an earlier change, then change the rest.",
        needsPrevious: true) { context in
        guard let membership = membership(context), !membership.current.isEmpty, !membership.target.isEmpty,
              membership.current != membership.target, !membership.isReachableBySingleSteps else { return [] }
        let n = membership.current.count
        let live = n - membership.down.count
        var detail = "\(live) of \(n) current members live"
        if !membership.down.isEmpty { detail += " (down: \(list(membership.down)))" }
        let paths = changePaths(context, membership)
        return [context.finding(
            "etcd membership {\(list(membership.current))} → {\(list(membership.target))} has no sequence of single-member "
                + "changes that keeps a live majority: \(detail), majority needs \(QuorumArithmetic.majority(of: n))",
            at: paths.path, subject: "etcd", previousPath: paths.previousPath, previousNote: "current membership")]
    }

    static let majorityRemoved = ValidationRule(
        id: "K8S-QUORUM-002", category: .quorum, severity: .error,
        summary: "One change removes a majority (or all) of the etcd members.",
        explanation: """
        The members that stay carry the cluster's data across the change. When one change removes \
        as many members as make up a majority, the survivors alone are not a majority of the old \
        membership: an interrupted apply can leave a membership that cannot elect a leader, and a \
        typo in the role list loses the data. Shrink the membership over several changes, each \
        removing fewer than a majority.
        """,
        fix: "Remove at most ⌊(n−1)/2⌋ etcd members per change and apply in between.",
        needsPrevious: true) { context in
        guard let membership = membership(context), !membership.current.isEmpty else { return [] }
        let removed = membership.removed
        let n = membership.current.count
        guard removed.count >= QuorumArithmetic.majority(of: n) else { return [] }
        let paths = changePaths(context, membership)
        let all = removed.count == n ? " (all of them)" : ""
        return [context.finding(
            "this change removes \(removed.count) of \(n) etcd members\(all): \(list(removed)); at most "
                + "\(QuorumArithmetic.failureTolerance(of: n)) may go in one change",
            at: paths.path, subject: "etcd", previousPath: paths.previousPath, previousNote: "removed member")]
    }

    static let everyMemberReplaced = ValidationRule(
        id: "K8S-QUORUM-003", category: .quorum, severity: .error,
        summary: "One change replaces every etcd member.",
        explanation: """
        When no current member stays, the data must be copied to entirely new machines in one \
        change; if the apply stops half-way there is no member whose log both sides trust. \
        Replace members over several changes so that each keeps a majority of known-good members.
        """,
        fix: "Keep at least a majority of the current etcd members in this change; replace the rest later.",
        needsPrevious: true) { context in
        guard let membership = membership(context), !membership.current.isEmpty, !membership.added.isEmpty,
              membership.current.isDisjoint(with: membership.target) else { return [] }
        let paths = changePaths(context, membership)
        return [context.finding(
            "every etcd member is replaced: {\(list(membership.current))} → {\(list(membership.target))}",
            at: paths.path, subject: "etcd", previousPath: paths.previousPath, previousNote: "current member")]
    }

    static let belowThree = ValidationRule(
        id: "K8S-QUORUM-004", category: .quorum, severity: .warning,
        summary: "The etcd membership drops below 3 members.",
        explanation: """
        Three members tolerate one failure; one or two tolerate none (two members need both for a \
        majority). Going below three turns any single machine failure into a cluster outage.
        """,
        fix: "Keep at least 3 etcd members, or accept that the cluster is no longer fault tolerant.",
        needsPrevious: true) { context in
        guard let membership = membership(context), membership.current.count >= 3,
              membership.target.count < 3, !membership.target.isEmpty else { return [] }
        let paths = changePaths(context, membership)
        return [context.finding(
            "etcd goes from \(membership.current.count) to \(membership.target.count) members and will tolerate no failure",
            at: paths.path, subject: "etcd", previousPath: paths.previousPath, previousNote: "removed member")]
    }
}
