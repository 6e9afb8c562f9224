/// An independent model of what validation must say about a scale change of a stacked cluster
/// (every control-plane host is an etcd member), written from Raft's majority rule and etcd's strict
/// reconfiguration checks — not from the product's code: it searches over named member sets, where
/// `EtcdMembership` searches over counts.
enum QuorumModel {
    static func majority(_ members: Int) -> Int { members / 2 + 1 }

    /// Whether `target` can be reached from `current` by single `member add` / `member remove` steps
    /// that etcd accepts, with the members in `down` staying down (so never removed and added back)
    /// and every other added member started right after its add.
    ///
    /// etcd accepts an add only while every current member is connected to the leader (none down)
    /// and the started members stay a majority of the grown membership — with one exception: a
    /// single member may take a second. A remove must be committed by a live majority, and the live
    /// members left must be a majority of the smaller membership.
    static func reachable(current: Set<String>, target: Set<String>, down: Set<String>) -> Bool {
        if current == target { return true }
        if current.isEmpty || target.isEmpty { return false }
        let down = down.intersection(current)
        func live(_ members: Set<String>) -> Int { members.subtracting(down).count }
        var seen: Set<Set<String>> = [current]
        var queue = [current]
        while let members = queue.popLast() {
            if members == target { return true }
            var next: [Set<String>] = []
            let everyoneUp = members.isDisjoint(with: down)
            // A machine that is down cannot start the member it would be: it is never (re-)added.
            for name in target.subtracting(members).subtracting(down) where everyoneUp
                && (members.count == 1 || live(members) >= majority(members.count + 1)) {
                next.append(members.union([name]))
            }
            if members.count > 1 && live(members) >= majority(members.count) {
                for name in members {
                    let after = members.subtracting([name])
                    if live(after) >= majority(after.count) { next.append(after) }
                }
            }
            for state in next where seen.insert(state).inserted { queue.append(state) }
        }
        return false
    }

    /// The error rule IDs validation must report for a change from `previous` to `desired`
    /// control-plane (= etcd) hosts, with `workers` worker-only hosts in the desired inventory
    /// (local-proxy endpoint), `roleChanged` when a host in both inventories has other roles (k8sctl
    /// installs and decommissions hosts, it does not convert them), and `down` members observed
    /// down (empty for an offline `validate`, which observes nothing).
    static func expectedErrors(previous: Set<String>, desired: Set<String>, workers: Int, roleChanged: Bool = false,
                               down: Set<String> = []) -> Set<String> {
        var errors: Set<String> = roleChanged ? ["K8S-TOPOLOGY-007"] : []
        if desired.isEmpty {
            errors.formUnion(["K8S-TOPOLOGY-001", "K8S-TOPOLOGY-002"])
            // Each worker's local API proxy would have no API server behind it.
            if workers > 0 { errors.insert("K8S-TOPOLOGY-006") }
        }
        guard !previous.isEmpty else { return errors }
        let removed = previous.subtracting(desired)
        let added = desired.subtracting(previous)
        // No current member (and, stacked, no current control-plane host) stays.
        if previous.isDisjoint(with: desired) { errors.formUnion(["K8S-DATALOSS-001", "K8S-DATALOSS-006"]) }
        if removed.count >= majority(previous.count) { errors.insert("K8S-QUORUM-002") }
        if !added.isEmpty && previous.isDisjoint(with: desired) { errors.insert("K8S-QUORUM-003") }
        if !desired.isEmpty && !reachable(current: previous, target: desired, down: down) { errors.insert("K8S-QUORUM-001") }
        return errors
    }

    /// Whether an accepted change may pass through a moment without quorum: when a single live member
    /// that stays takes a new one, there are two voting members and one running until the new one
    /// starts (etcd 3.4 has no non-voting learners in this flow). Whether it happens for a change
    /// like {a, b} → {a, c} depends on the order the plan takes (add first: no window).
    static func allowsJoinWindow(previous: Set<String>, desired: Set<String>, down: Set<String> = []) -> Bool {
        previous.intersection(desired).subtracting(down).count == 1 && !desired.subtracting(previous).isEmpty
    }
}
