/// One change to etcd's voting membership, as `etcdctl member add/remove` performs it.
public enum MembershipStep: Sendable, Hashable, CustomStringConvertible {
    case add(String)
    case remove(String)

    public var description: String {
        switch self {
        case .add(let name): "add \(name)"
        case .remove(let name): "remove \(name)"
        }
    }
}

/// A change of etcd membership from `current` to `target`, with the members seen down.
/// Answers whether the change can be made one member at a time with every step accepted by etcd
/// (a live majority commits each change, and etcd's strict reconfiguration checks pass, see
/// `QuorumArithmetic`), and gives such a sequence for the planner.
///
/// Members down stay down through the change (a membership change does not revive a machine), and
/// a member added by the change is started right after its `member add`, so it counts as live from
/// the next step. A down member that must stay in the target can never be removed and re-added.
public struct EtcdMembership: Sendable, Hashable {
    public let current: Set<String>
    public let target: Set<String>
    /// Members of `current` known to be down (unreachable host or unhealthy member).
    public let down: Set<String>

    public init(current: Set<String>, target: Set<String>, down: Set<String> = []) {
        self.current = current
        self.target = target
        self.down = down.intersection(current)
    }

    public var added: Set<String> { target.subtracting(current) }
    public var removed: Set<String> { current.subtracting(target) }

    /// The single-member steps from `current` to `target`, or nil when no order keeps a live majority
    /// at every step. Empty when nothing changes. An empty `current` is a bootstrap, not a change:
    /// it returns the adds without checks. An empty `target` is unreachable (etcd cannot remove its
    /// last member).
    public func stepSequence() -> [MembershipStep]? {
        if current == target { return [] }
        if current.isEmpty { return target.sorted().map(MembershipStep.add) }
        guard !target.isEmpty else { return nil }
        // Members that are down and must stay make the target's live count fixed; a search over
        // counts (not names) is enough because members of the same kind are interchangeable.
        let downKept = down.intersection(target).count
        let liveTargetSize = target.count - downKept
        let start = CountState(liveInTarget: current.intersection(target).subtracting(down).count,
                               liveLeaving: removed.subtracting(down).count,
                               downLeaving: removed.intersection(down).count)
        let goal = CountState(liveInTarget: liveTargetSize, liveLeaving: 0, downLeaving: 0)
        guard let moves = CountState.search(from: start, to: goal, downKept: downKept,
                                            liveTargetSize: liveTargetSize) else { return nil }
        return names(for: moves)
    }

    /// Whether `stepSequence()` finds a sequence.
    public var isReachableBySingleSteps: Bool { stepSequence() != nil }

    /// Turns count moves into named steps. Kept live members are never removed by the search's
    /// preferred moves, but a path may remove one and add it back; names are assigned in order.
    private func names(for moves: [CountState.Move]) -> [MembershipStep] {
        var toAdd = added.sorted()
        var liveKeptInside = current.intersection(target).subtracting(down).sorted()
        var liveLeaving = removed.subtracting(down).sorted()
        var downLeaving = removed.intersection(down).sorted()
        var steps: [MembershipStep] = []
        for move in moves {
            switch move {
            case .addTargetMember:
                let name = toAdd.removeFirst()
                liveKeptInside.append(name)
                steps.append(.add(name))
            case .removeLiveTargetMember:
                let name = liveKeptInside.removeLast()
                toAdd.insert(name, at: 0)
                steps.append(.remove(name))
            case .removeLiveLeaving:
                steps.append(.remove(liveLeaving.removeFirst()))
            case .removeDownLeaving:
                steps.append(.remove(downLeaving.removeFirst()))
            }
        }
        return steps
    }
}

/// The membership reduced to counts: live target members inside, live leaving members, down
/// leaving members (down kept members are a constant). Breadth-first search over at most
/// (|target|+1)·(|current|+1)² states gives a shortest sequence.
struct CountState: Hashable {
    var liveInTarget: Int
    var liveLeaving: Int
    var downLeaving: Int

    enum Move: Hashable { case addTargetMember, removeLiveTargetMember, removeLiveLeaving, removeDownLeaving }

    static func search(from start: CountState, to goal: CountState, downKept: Int,
                       liveTargetSize: Int) -> [Move]? {
        var previous: [CountState: (CountState, Move)] = [:]
        var queue = [start]
        var head = 0
        var seen: Set<CountState> = [start]
        while head < queue.count {
            let state = queue[head]
            head += 1
            if state == goal {
                var moves: [Move] = []
                var cursor = state
                while let (before, move) = previous[cursor] {
                    moves.append(move)
                    cursor = before
                }
                return moves.reversed()
            }
            for (move, next) in state.successors(downKept: downKept, liveTargetSize: liveTargetSize)
            where seen.insert(next).inserted {
                previous[next] = (state, move)
                queue.append(next)
            }
        }
        return nil
    }

    func successors(downKept: Int, liveTargetSize: Int) -> [(Move, CountState)] {
        let live = liveInTarget + liveLeaving
        let members = live + downLeaving + downKept
        var result: [(Move, CountState)] = []
        // Leaving members go first in the list so the shortest path prefers removing the dead.
        if downLeaving > 0, QuorumArithmetic.canRemove(live: live, members: members, removedIsLive: false) {
            result.append((.removeDownLeaving, CountState(liveInTarget: liveInTarget, liveLeaving: liveLeaving,
                                                          downLeaving: downLeaving - 1)))
        }
        if liveInTarget < liveTargetSize, QuorumArithmetic.canAdd(live: live, members: members) {
            result.append((.addTargetMember, CountState(liveInTarget: liveInTarget + 1, liveLeaving: liveLeaving,
                                                        downLeaving: downLeaving)))
        }
        if liveLeaving > 0, QuorumArithmetic.canRemove(live: live, members: members, removedIsLive: true) {
            result.append((.removeLiveLeaving, CountState(liveInTarget: liveInTarget, liveLeaving: liveLeaving - 1,
                                                          downLeaving: downLeaving)))
        }
        if liveInTarget > 0, QuorumArithmetic.canRemove(live: live, members: members, removedIsLive: true) {
            result.append((.removeLiveTargetMember, CountState(liveInTarget: liveInTarget - 1,
                                                               liveLeaving: liveLeaving, downLeaving: downLeaving)))
        }
        return result
    }
}
