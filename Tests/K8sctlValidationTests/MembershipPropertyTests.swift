import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlValidation

/// Random membership changes, checked against an exhaustive search over concrete member sets.
@Suite("Quorum rule agrees with a brute-force search")
struct MembershipPropertyTests {
    /// Breadth-first search over every subset of `universe`: add any live non-member (helpers
    /// outside the target included), remove any member, with etcd's checks written out here:
    /// every change needs a live majority to commit; an add needs every current member up
    /// (`isConnectedFullySince`); a remove needs the live members left to be a majority of the rest.
    static func bruteForceReachable(current: Set<Int>, target: Set<Int>, down: Set<Int>, universe: Int) -> Bool {
        func mask(_ set: Set<Int>) -> Int { set.reduce(0) { $0 | (1 << $1) } }
        let downMask = mask(down)
        let start = mask(current), goal = mask(target)
        if start == goal { return true }
        var seen: Set<Int> = [start]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let members = queue[head]
            head += 1
            let n = members.nonzeroBitCount
            let live = (members & ~downMask).nonzeroBitCount
            guard n > 0, live >= n / 2 + 1 else { continue }
            for bit in 0..<universe {
                let flag = 1 << bit
                var next: Int?
                if members & flag == 0 {
                    if flag & downMask == 0, members & downMask == 0 { next = members | flag }
                } else if n > 1 {
                    let remaining = members & ~flag
                    if (remaining & ~downMask).nonzeroBitCount >= (n - 1) / 2 + 1 { next = remaining }
                }
                if let next, seen.insert(next).inserted {
                    if next == goal { return true }
                    queue.append(next)
                }
            }
        }
        return false
    }

    @Test func randomChanges_matchBruteForce_andStepsReplay() {
        var random = SeededGenerator(state: 20_261_122)
        var reachable = 0, unreachable = 0
        for _ in 0..<3000 {
            let universe = Int.random(in: 2...7, using: &random)
            let names = Array(0..<universe)
            var current = Set(names.filter { _ in Bool.random(using: &random) })
            var target = Set(names.filter { _ in Bool.random(using: &random) })
            if current.isEmpty { current = [0] }
            if target.isEmpty { target = [universe - 1] }
            // Mostly-healthy clusters, with some heavy failures too.
            let downRate = Double.random(in: 0...0.6, using: &random)
            let down = Set(current.filter { _ in Double.random(in: 0..<1, using: &random) < downRate })

            let expected = Self.bruteForceReachable(current: current, target: target, down: down, universe: universe + 1)
            let change = EtcdMembership(current: Set(current.map(String.init)), target: Set(target.map(String.init)),
                                        down: Set(down.map(String.init)))
            let steps = change.stepSequence()
            #expect((steps != nil) == expected, "current \(current.sorted()) target \(target.sorted()) down \(down.sorted())")
            if let steps {
                #expect(MembershipSimulation.replay(steps, from: change) == change.target,
                        "steps \(steps) do not replay for \(current.sorted()) → \(target.sorted()) down \(down.sorted())")
                reachable += 1
            } else {
                unreachable += 1
            }
        }
        // The generator must exercise both verdicts, or the property says nothing.
        #expect(reachable > 300 && unreachable > 300, "reachable \(reachable), unreachable \(unreachable)")
    }

    @Test func randomChanges_quorumRuleFiresExactlyWhenUnreachable() {
        var random = SeededGenerator(state: 7)
        for _ in 0..<400 {
            let universe = Int.random(in: 2...6, using: &random)
            var current = Set((0..<universe).filter { _ in Bool.random(using: &random) })
            var target = Set((0..<universe).filter { _ in Bool.random(using: &random) })
            if current.isEmpty { current = [0] }
            if target.isEmpty { target = [1] }
            let down = Set(current.filter { _ in Int.random(in: 0..<3, using: &random) == 0 })
            func cluster(_ members: Set<Int>) -> Cluster {
                ClusterFixtures.ha3 { cluster in
                    cluster.hosts = (0..<universe).map { index in
                        ClusterFixtures.host("m\(index)", "10.0.0.\(50 + index)",
                                             members.contains(index) ? [.controlPlane, .etcd] : [.controlPlane])
                    }
                }
            }
            let input = ValidationInput(previous: cluster(current), desired: cluster(target),
                                        observed: ClusterFixtures.observed(down: down.map { "m\($0)" }))
            let fired = Validator().validate(input).contains { $0.ruleID == "K8S-QUORUM-001" }
            let expected = current != target
                && !Self.bruteForceReachable(current: current, target: target, down: down, universe: universe + 1)
            #expect(fired == expected, "current \(current.sorted()) target \(target.sorted()) down \(down.sorted())")
        }
    }
}
