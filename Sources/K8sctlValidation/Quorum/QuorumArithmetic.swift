/// Raft's counting rules for a voting membership of `n` members, as etcd applies them.
public enum QuorumArithmetic {
    /// Members that must agree to commit anything: ⌊n/2⌋ + 1 (1 for an empty set, which can never reach it).
    public static func majority(of members: Int) -> Int { members / 2 + 1 }

    /// Members that can fail while the rest still form a majority: ⌊(n−1)/2⌋, 0 for n ≤ 1.
    public static func failureTolerance(of members: Int) -> Int { members <= 0 ? 0 : (members - 1) / 2 }

    /// Whether `live` of `members` form a majority.
    public static func hasQuorum(live: Int, of members: Int) -> Bool { members > 0 && live >= majority(of: members) }

    /// etcd's strict reconfiguration check (on by default) for `member add` to a membership of
    /// `members` with `live` of them up. etcd requires the started members to be a majority of the
    /// larger membership (`IsReadyToAddVotingMember`, which lets a single member take a second) and
    /// the leader to be connected to every current member (`isConnectedFullySince`): any member
    /// down refuses the add with "unhealthy cluster" until it is removed or back.
    public static func canAdd(live: Int, members: Int) -> Bool {
        members > 0 && live == members
    }

    /// etcd's check for `member remove`: the current membership must commit it (a live majority),
    /// and the live members left must still be a majority of the smaller membership
    /// (`mayRemoveMember`). A member that is down can go whenever the rest have a majority.
    /// - Parameter removedIsLive: whether the member being removed is one of the `live`.
    public static func canRemove(live: Int, members: Int, removedIsLive: Bool) -> Bool {
        guard members > 1, hasQuorum(live: live, of: members) else { return false }
        let liveAfter = removedIsLive ? live - 1 : live
        return hasQuorum(live: liveAfter, of: members - 1)
    }
}
