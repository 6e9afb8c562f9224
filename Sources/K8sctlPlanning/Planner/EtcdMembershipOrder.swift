import K8sctlModel
import K8sctlValidation

/// The order a plan changes etcd membership in, from the previous and desired inventories and the
/// members observed down (`EtcdMembership.stepSequence()`).
///
/// Healthy members join before leavers go (scale-up runs before scale-down): the membership is
/// largest while the change runs, so a failure half-way leaves the most live members. But etcd
/// refuses `member add` while any current member is down (its strict reconfiguration check wants
/// the leader connected to every member), so the sequence removes leaving members that are down
/// before the first add; those hosts run their scale-down *before* the scale-up. Without observed
/// state (`k8sctl plan` offline) every member counts as healthy and nothing moves.
public struct EtcdMembershipOrder: Sendable, Hashable {
    /// Hosts in the order their `member add` / `member remove` happen (ranks within an operation).
    public let sequence: [String]
    /// Leaving members the sequence removes before the first add: members observed down.
    public let removedFirst: Set<String>
    /// Set when no order of single-member changes keeps a live majority.
    public let problem: Diagnostic?

    public init(previous: Cluster?, desired: Cluster, observed: ObservedState?) {
        guard let previous else {
            (sequence, removedFirst, problem) = ([], [], nil)
            return
        }
        let current = Set(previous.etcdHosts.map(\.name))
        let down = Set(current.filter { observed?.isEtcdMemberDown($0) ?? false })
        let membership = EtcdMembership(current: current, target: Set(desired.etcdHosts.map(\.name)), down: down)
        if let steps = membership.stepSequence() {
            sequence = steps.map { switch $0 { case .add(let name), .remove(let name): name } }
            let firstAdd = steps.firstIndex { if case .add = $0 { true } else { false } } ?? steps.endIndex
            removedFirst = firstAdd == steps.endIndex ? [] : Set(steps[..<firstAdd].compactMap { step -> String? in
                if case .remove(let name) = step, membership.removed.contains(name) { return name }
                return nil
            })
            problem = nil
        } else if membership.current.count == 1, membership.down.isEmpty, membership.removed.isEmpty {
            // etcd accepts a member add to a 1-member cluster (IsReadyToAddVotingMember: one
            // started of two), which EtcdMembership's strict count refuses; after that add both
            // members are started and each further add passes the usual check.
            (sequence, removedFirst, problem) = (membership.added.sorted(), [], nil)
        } else if !membership.added.isEmpty || !membership.removed.isEmpty {
            (sequence, removedFirst) = ([], [])
            problem = .error("no order of single etcd member changes keeps a live majority (\(membership.current.count) members, \(membership.down.count) down → \(membership.target.count))",
                             at: desired.location(of: "spec.hosts"),
                             hint: "change fewer etcd members per apply, or repair the members that are down first")
        } else {
            (sequence, removedFirst, problem) = ([], [], nil)
        }
    }

    /// The reason line a host removed first gets in the plan.
    public static let removedFirstReason = "etcd member observed down: removed before any member is added (etcd refuses member add while a member is down)"
}
