/// Raft's counting rules for a voting membership of `n` members, as etcd applies them.
public enum QuorumArithmetic {
    /// Members that must agree to commit anything: ⌊n/2⌋ + 1 (1 for an empty set, which can never reach it).
    public static func majority(of members: Int) -> Int { members / 2 + 1 }

    /// Members that can fail while the rest still form a majority: ⌊(n−1)/2⌋, 0 for n ≤ 1.
    public static func failureTolerance(of members: Int) -> Int { members <= 0 ? 0 : (members - 1) / 2 }

    /// Whether `live` of `members` form a majority.
    public static func hasQuorum(live: Int, of members: Int) -> Bool { members > 0 && live >= majority(of: members) }

    /// etcd's strict reconfiguration check for adding a member to `members` with `live` started:
    /// the new member is not started yet, so the started ones must already be a majority of n + 1.
    public static func canAdd(live: Int, members: Int) -> Bool {
        hasQuorum(live: live, of: members) && live >= majority(of: members + 1)
    }

    /// etcd's check for removing a member: the current membership must commit it, and the members
    /// left must still hold a majority of the smaller membership.
    /// - Parameter removedIsLive: whether the member being removed is one of the `live`.
    public static func canRemove(live: Int, members: Int, removedIsLive: Bool) -> Bool {
        guard members > 1, hasQuorum(live: live, of: members) else { return false }
        let liveAfter = removedIsLive ? live - 1 : live
        return hasQuorum(live: liveAfter, of: members - 1)
    }
}
