/// What a host does in the cluster. Roles combine freely: a single node may hold all three,
/// etcd may live on dedicated hosts, a control-plane host may run without etcd.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case controlPlane = "control-plane"
    case etcd
    case worker

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
