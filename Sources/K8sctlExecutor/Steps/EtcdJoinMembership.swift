import K8sctlRendering

/// What a member joining a running etcd cluster must be told. etcd checks a joining member's
/// `initial-cluster` against the cluster's member list at that moment ("member count is unequal"
/// otherwise). The rendered list holds the inventory's members; when a change replaces a member
/// ({a, b, c} → {a, b, d}), `d` is added while `c` is still a member (it is removed after `d` is
/// healthy), so the list must come from etcd itself, read right after `member add`.
enum EtcdJoinMembership {
    /// `initial-cluster` from `etcdctl member list -w simple` output (`ID, status, name, peer URLs,
    /// client URLs[, is learner]`). The joining member is listed unstarted, with no name: it is
    /// recognised by its peer URL. Nil when the output lists no member with that peer URL.
    static func initialCluster(memberList: String, joining name: String, peerURL: String) -> String? {
        var entries: [String] = []
        var sawJoining = false
        for line in memberList.split(separator: "\n") {
            let fields = line.components(separatedBy: ", ")
            guard fields.count > 3 else { continue }
            let urls = fields[3].split(separator: ",").map(String.init).filter { !$0.isEmpty }
            let isJoining = urls.contains(peerURL)
            sawJoining = sawJoining || isJoining
            let memberName = isJoining ? name : fields[2]
            // An unstarted member other than the joining one has no name yet: etcd cannot match it,
            // and it would refuse the join anyway; leave it to etcd's error.
            guard !memberName.isEmpty else { continue }
            entries += urls.map { "\(memberName)=\($0)" }
        }
        return sawJoining ? entries.sorted().joined(separator: ",") : nil
    }

    /// The etcd.env bytes with its `ETCD_INITIAL_CLUSTER=` line carrying `initialCluster`.
    static func replacingInitialCluster(in content: [UInt8], with initialCluster: String) -> [UInt8] {
        let prefix = "ETCD_INITIAL_CLUSTER="
        let text = String(decoding: content, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(prefix) ? prefix + EnvironmentFileText.value(initialCluster) : String(line)
        }
        return Array(lines.joined(separator: "\n").utf8)
    }
}
