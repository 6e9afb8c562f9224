import Testing
@testable import K8sctlValidation

@Suite("Quorum arithmetic and single-member membership changes")
struct QuorumArithmeticTests {
    @Test(arguments: [(1, 1, 0), (2, 2, 0), (3, 2, 1), (4, 3, 1), (5, 3, 2), (6, 4, 2), (7, 4, 3)])
    func majorityAndTolerance_followRaft(members: Int, majority: Int, tolerance: Int) {
        #expect(QuorumArithmetic.majority(of: members) == majority)
        #expect(QuorumArithmetic.failureTolerance(of: members) == tolerance)
    }

    @Test func fourMembers_tolerateNoMoreFailuresThanThree() {
        #expect(QuorumArithmetic.failureTolerance(of: 4) == QuorumArithmetic.failureTolerance(of: 3))
    }

    @Test func addingWithAnyMemberDown_isRefusedLikeEtcdsStrictCheck() {
        // etcd refuses `member add` unless the leader is connected to every current member.
        #expect(!QuorumArithmetic.canAdd(live: 2, members: 3))
        #expect(!QuorumArithmetic.canAdd(live: 4, members: 5))
        #expect(QuorumArithmetic.canAdd(live: 3, members: 3))
        // A single member may take a second (etcd's special case for restoring from one member).
        #expect(QuorumArithmetic.canAdd(live: 1, members: 1))
    }

    @Test func removingTheDeadMember_isAllowedWithTwoOfThreeLive() {
        #expect(QuorumArithmetic.canRemove(live: 2, members: 3, removedIsLive: false))
        #expect(!QuorumArithmetic.canRemove(live: 1, members: 3, removedIsLive: false))
        #expect(!QuorumArithmetic.canRemove(live: 1, members: 1, removedIsLive: true))
    }

    @Test func replacingADownMember_removesItBeforeAdding() throws {
        let change = EtcdMembership(current: ["a", "b", "c"], target: ["a", "b", "d"], down: ["c"])
        let steps = try #require(change.stepSequence())
        #expect(steps == [.remove("c"), .add("d")])
    }

    @Test func healthyGrowth_addsOneAtATime() throws {
        let steps = try #require(EtcdMembership(current: ["a"], target: ["a", "b", "c"]).stepSequence())
        #expect(steps == [.add("b"), .add("c")])
    }

    @Test func fullReplacement_whenHealthy_isReachableStepByStep() throws {
        let change = EtcdMembership(current: ["a", "b", "c"], target: ["d", "e", "f"])
        let steps = try #require(change.stepSequence())
        #expect(steps.count == 6)
        #expect(MembershipSimulation.replay(steps, from: change) == change.target)
    }

    @Test func lostQuorum_makesEveryChangeUnreachable() {
        #expect(EtcdMembership(current: ["a", "b", "c"], target: ["a", "b"], down: ["b", "c"]).stepSequence() == nil)
    }

    @Test func noChange_needsNoSteps() {
        #expect(EtcdMembership(current: ["a", "b", "c"], target: ["a", "b", "c"], down: ["a", "b"]).stepSequence() == [])
    }

    @Test func emptyTarget_isUnreachable() {
        #expect(EtcdMembership(current: ["a"], target: []).stepSequence() == nil)
    }

    @Test func bootstrap_addsEveryMember() {
        #expect(EtcdMembership(current: [], target: ["b", "a"]).stepSequence() == [.add("a"), .add("b")])
    }
}

/// Replays steps with etcd's checks, independently of `EtcdMembership`'s search.
enum MembershipSimulation {
    /// The membership after `steps`, or nil when a step would be refused.
    static func replay(_ steps: [MembershipStep], from change: EtcdMembership) -> Set<String>? {
        var members = change.current
        for step in steps {
            let live = members.subtracting(change.down).count
            let n = members.count
            guard live >= n / 2 + 1 else { return nil }
            switch step {
            case .add(let name):
                // etcd: every current member connected (none down), and the name is new and not down.
                guard !members.contains(name), !change.down.contains(name), live == n else { return nil }
                members.insert(name)
            case .remove(let name):
                guard members.contains(name), n > 1 else { return nil }
                members.remove(name)
                guard members.subtracting(change.down).count >= (n - 1) / 2 + 1 else { return nil }
            }
        }
        return members
    }
}
