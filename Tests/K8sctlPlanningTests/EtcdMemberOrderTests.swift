import K8sctlModel
import K8sctlPlanning
import K8sctlValidation
import Testing

/// The order of a plan's `etcd-member-add` / `etcd-member-remove` steps, replayed against etcd's
/// rules written out here (not `QuorumArithmetic`): a remove must be committed by a live majority
/// and leave a live majority of the smaller membership; an add needs every current member up
/// (strict reconfiguration: the leader connected to all). Members observed down stay down, added
/// members count as live from their add on.
///
/// Regression (issue 9, scale sequence step 68): with n2 down, {n1, n2, n5} → {n1, n3, n4, n5} was
/// planned add-first (scale-up before scale-down), and etcd refused `member add n3`.
struct EtcdMemberOrderTests {
    static let names = ["n1", "n2", "n3", "n4", "n5"]

    /// Stacked control-plane + etcd hosts with these names (in `names` order).
    static func cluster(_ members: Set<String>) -> Cluster {
        let hosts = names.enumerated().filter { members.contains($0.element) }.map { index, name in
            K8sctlModel.Host(name: name, address: IPAddress("10.1.0.\(index + 1)")!, roles: [.controlPlane, .etcd])
        }
        return Cluster(name: "order", kubernetes: KubernetesSettings(version: SemanticVersion("1.31.4")!), hosts: hosts)
    }

    static func observed(down: Set<String>) -> ObservedState {
        ObservedState(hosts: Dictionary(uniqueKeysWithValues: down.map { ($0, HostObservation(reachable: true, etcdHealth: .unhealthy)) }))
    }

    /// The plan's membership steps in plan order: (add?, member, via).
    static func memberSteps(_ plan: Plan) -> [(add: Bool, member: String, via: String?)] {
        plan.steps.compactMap { step in
            switch step.action {
            case .etcdMemberAdd(let member): (true, member.member, member.via)
            case .etcdMemberRemove(let member): (false, member.member, member.via)
            default: nil
            }
        }
    }

    /// Replays `steps` from `current`; returns the first step etcd would refuse, or nil.
    static func firstRefusal(_ steps: [(add: Bool, member: String, via: String?)], current: Set<String>, down: Set<String>) -> String? {
        var members = current
        func live(_ set: Set<String>) -> Int { set.subtracting(down).count }
        for step in steps {
            guard let via = step.via, members.contains(via), !down.contains(via), via != step.member else {
                return "\(step.add ? "add" : "remove") \(step.member) via \(step.via ?? "nobody"): not a live member that stays"
            }
            if step.add {
                guard members.isDisjoint(with: down) else { return "add \(step.member) while \(members.intersection(down).sorted()) down" }
                members.insert(step.member)
            } else {
                let after = members.subtracting([step.member])
                guard live(members) >= members.count / 2 + 1, live(after) >= after.count / 2 + 1 else {
                    return "remove \(step.member): \(live(members)) of \(members.count) live before, \(live(after)) of \(after.count) after"
                }
                members = after
            }
        }
        return nil
    }

    @Test func aLeavingMemberObservedDown_isRemovedBeforeAnyAdd_inABatchOfItsOwn() throws {
        let previous = Self.cluster(["n1", "n2", "n5"]), desired = Self.cluster(["n1", "n3", "n4", "n5"])
        let offline = try PlanningFixtures.plan(previous: previous, desired: desired)
        #expect(Self.memberSteps(offline).map { "\($0.add ? "add" : "remove") \($0.member)" } == ["add n3", "add n4", "remove n2"],
                "all healthy: the membership grows first")

        let plan = try PlanningFixtures.plan(previous: previous, desired: desired, observed: Self.observed(down: ["n2"]))
        #expect(Self.memberSteps(plan).map { "\($0.add ? "add" : "remove") \($0.member)" } == ["remove n2", "add n3", "add n4"])
        #expect(Self.memberSteps(plan).allSatisfy { $0.via == "n1" })
        let first = try #require(plan.batches.first)
        #expect(first.operation == .scaleDown && first.hosts == ["n2"], "\(first)")
        #expect(first.name.contains("etcd member down"), "\(first.name)")
        #expect(plan.hosts.first { $0.host == "n2" }?.reasons.contains(EtcdMembershipOrder.removedFirstReason) == true)
        #expect(Self.firstRefusal(Self.memberSteps(plan), current: ["n1", "n2", "n5"], down: ["n2"]) == nil)
        // Every step of n2's scale-down runs before anything of the scale-up.
        let lastRemoval = try #require(plan.steps.lastIndex { $0.host == "n2" })
        let firstJoin = try #require(plan.steps.firstIndex { $0.operation == .scaleUp })
        #expect(lastRemoval < firstJoin)
    }

    @Test func aHealthyLeaver_stillGoesAfterTheAdds_whileTheDownLeaverGoesFirst() throws {
        // n4 down and leaving, n3 healthy and leaving, n5 joining.
        let previous = Self.cluster(["n1", "n2", "n3", "n4"]), desired = Self.cluster(["n1", "n2", "n5"])
        let plan = try PlanningFixtures.plan(previous: previous, desired: desired, observed: Self.observed(down: ["n4"]))
        #expect(Self.memberSteps(plan).map { "\($0.add ? "add" : "remove") \($0.member)" } == ["remove n4", "add n5", "remove n3"])
        #expect(plan.batches.map { "\($0.operation.rawValue) \($0.hosts.joined(separator: ","))" }
                == ["scale-down n4", "scale-up n5", "config-change n1", "config-change n2", "scale-down n3"], "\(plan.batches.map(\.name))")
        #expect(Self.firstRefusal(Self.memberSteps(plan), current: ["n1", "n2", "n3", "n4"], down: ["n4"]) == nil)
        #expect(plan.hosts.first { $0.host == "n3" }?.reasons.contains(EtcdMembershipOrder.removedFirstReason) == false)
    }

    /// Every membership change among 5 stacked hosts with every set of current members down that
    /// validation lets through (K8S-QUORUM-001 quiet): the plan's member steps are accepted by etcd
    /// one after the other and end at the target membership.
    @Test func everyAcceptedChangeAmongFiveHosts_isPlannedInAnOrderEtcdAccepts() throws {
        func subset(_ mask: Int, of pool: [String]) -> Set<String> { Set(pool.indices.filter { mask & (1 << $0) != 0 }.map { pool[$0] }) }
        var planned = 0, reordered = 0
        for currentMask in 1..<32 {
            let current = subset(currentMask, of: Self.names)
            for targetMask in 1..<32 where targetMask != currentMask {
                let target = subset(targetMask, of: Self.names)
                guard !current.isDisjoint(with: target) else { continue }  // K8S-QUORUM-003 / DATALOSS refuse these
                let members = current.sorted()
                for downMask in 0..<(1 << members.count) {
                    let down = subset(downMask, of: members)
                    guard down.count < current.count, EtcdMembership(current: current, target: target, down: down).isReachableBySingleSteps
                        || (current.count == 1 && current.isSubset(of: target)) else { continue }
                    let plan = try PlanningFixtures.plan(previous: Self.cluster(current), desired: Self.cluster(target),
                                                         observed: Self.observed(down: down))
                    let steps = Self.memberSteps(plan)
                    let context = "\(current.sorted()) → \(target.sorted()), down \(down.sorted())"
                    #expect(Self.firstRefusal(steps, current: current, down: down) == nil,
                            "\(context): etcd refuses \(Self.firstRefusal(steps, current: current, down: down) ?? "")")
                    var end = current
                    for step in steps { if step.add { end.insert(step.member) } else { end.remove(step.member) } }
                    #expect(end == target, "\(context): ends at \(end.sorted())")
                    planned += 1
                    if steps.first.map({ !$0.add }) == true && steps.contains(where: \.add) { reordered += 1 }
                }
            }
        }
        #expect(planned > 500 && reordered > 0, "\(planned) plans, \(reordered) removing first")
    }
}
