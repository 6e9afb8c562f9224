import K8sctlModel

/// Hosts, groups and their relations, built the way Ansible's `InventoryData` builds them:
/// insertion order kept, `all` and `ungrouped` always present, group depth = longest path from
/// `all`, cycles refused.
struct InventoryGraph: Sendable {
    struct Group: Sendable {
        var name: String
        /// Hosts added to this group directly, in order.
        private(set) var hosts: [String] = []
        /// The same hosts, for membership: a range line such as `w[0:99999]` adds each host once,
        /// and a linear `contains` made that quadratic (a fuzz-found hang).
        private(set) var members: Set<String> = []
        var children: [String] = []
        var parents: [String] = []
        var vars = InventoryVariables()
        /// `ansible_group_priority` from the inventory source (not from group_vars files).
        var priority = 1
        var depth = 0
        var location: SourceLocation?

        /// Appends `host` unless it is a member already; true when it was added.
        mutating func add(_ host: String) -> Bool {
            guard members.insert(host).inserted else { return false }
            hosts.append(host)
            return true
        }

        /// Removes `leaving` in one pass (one `removeAll` per host was quadratic too).
        mutating func remove(_ leaving: Set<String>) {
            guard !leaving.isEmpty else { return }
            hosts.removeAll { leaving.contains($0) }
            members.subtract(leaving)
        }
    }

    struct Host: Sendable {
        var name: String
        var vars = InventoryVariables()
        /// Groups the host was added to directly, in order.
        var directGroups: [String] = []
        var location: SourceLocation?
    }

    struct Failure: Error { var message: String }

    /// Upper bound on the hosts, all sources together (`AnsibleInventoryLimits.hosts`). A
    /// per-pattern bound alone let 30 range lines make 3 million hosts.
    let hostLimit: Int

    private(set) var groups: [String: Group] = [:]
    private(set) var groupOrder: [String] = []
    private(set) var hosts: [String: Host] = [:]
    private(set) var hostOrder: [String] = []

    init(hostLimit: Int = AnsibleInventoryLimits.standard.hosts) {
        self.hostLimit = hostLimit
        addGroup("all")
        addGroup("ungrouped")
        try! addChild("all", "ungrouped")
    }

    @discardableResult
    mutating func addGroup(_ name: String, at location: SourceLocation? = nil) -> String {
        // Ansible (TRANSFORM_INVALID_GROUP_CHARS=never, the default) keeps names like `kube-node`.
        if groups[name] == nil {
            groups[name] = Group(name: name, location: location)
            groupOrder.append(name)
        }
        return name
    }

    /// Adds a host (first definition wins the port) and, if given, puts it in `group`. Throws
    /// when a new host would pass `hostLimit`.
    mutating func addHost(_ name: String, group: String?, port: Int?, at location: SourceLocation?) throws {
        if hosts[name] == nil {
            guard hosts.count < hostLimit else {
                throw Failure(message: "the inventory has more than \(hostLimit) hosts (Kubernetes supports 5,000 nodes per cluster)")
            }
            var host = Host(name: name, location: location)
            if let port { host.vars.set("ansible_port", .int(port), at: location) }
            hosts[name] = host
            hostOrder.append(name)
        }
        if let group, groups[group]?.add(name) == true {
            hosts[name]!.directGroups.append(group)
        }
    }

    mutating func setGroupVariable(_ group: String, _ key: String, _ value: AnsibleValue, at location: SourceLocation?) throws {
        if key == "ansible_group_priority" {
            // Ansible applies int(value): a non-numeric priority fails the whole inventory.
            guard let number = value.intValue else {
                throw Failure(message: "ansible_group_priority of group '\(group)' must be an integer, got \(value)")
            }
            groups[group]?.priority = number
            return
        }
        groups[group]?.vars.set(key, value, at: location)
    }

    mutating func setHostVariable(_ host: String, _ key: String, _ value: AnsibleValue, at location: SourceLocation?) {
        hosts[host]?.vars.set(key, value, at: location)
    }

    mutating func addChild(_ parent: String, _ child: String) throws {
        guard groups[parent] != nil, groups[child] != nil else {
            throw Failure(message: "\(child) is not a known group")
        }
        guard parent != child else { throw Failure(message: "can't add group \(child) to itself") }
        if groups[parent]!.children.contains(child) { return }
        if ancestors(of: parent).contains(child) {
            throw Failure(message: "Adding group '\(child)' as child to '\(parent)' creates a recursive dependency loop.")
        }
        groups[parent]!.children.append(child)
        if !groups[child]!.parents.contains(parent) { groups[child]!.parents.append(parent) }
    }

    func ancestors(of group: String) -> Set<String> {
        var seen = Set<String>()
        var queue = groups[group]?.parents ?? []
        while let next = queue.popLast() {
            if seen.insert(next).inserted { queue += groups[next]?.parents ?? [] }
        }
        return seen
    }

    /// Hosts of `group` and all its descendants, in Ansible's order (the group's own first, then
    /// breadth-first through children).
    func allHosts(of group: String) -> [String] {
        var ordered = [group]
        var seenGroups: Set<String> = [group]
        var frontier = [group]
        while !frontier.isEmpty {
            var next: [String] = []
            for name in frontier {
                for child in groups[name]?.children ?? [] where seenGroups.insert(child).inserted {
                    ordered.append(child)
                    next.append(child)
                }
            }
            frontier = next
        }
        var seenHosts = Set<String>()
        var result: [String] = []
        for name in ordered {
            for host in groups[name]?.hosts ?? [] where seenHosts.insert(host).inserted { result.append(host) }
        }
        return result
    }

    /// `reconcile_inventory`: top-level groups under `all`, group-less hosts in `ungrouped` (and
    /// out of it once they have another group), depths computed.
    mutating func reconcile() {
        for name in groupOrder where name != "all" && groups[name]!.parents.isEmpty {
            try? addChild("all", name)
        }
        var leavingUngrouped: Set<String> = []
        for name in hostOrder {
            let direct = hosts[name]!.directGroups
            if direct.contains("ungrouped") {
                if membership(of: name).subtracting(["all", "ungrouped"]).isEmpty == false {
                    leavingUngrouped.insert(name)
                    hosts[name]!.directGroups.removeAll { $0 == "ungrouped" }
                }
            } else if direct.isEmpty || direct == ["all"] {
                try! addHost(name, group: "ungrouped", port: nil, at: nil)  // an existing host: no limit to pass
            }
        }
        groups["ungrouped"]!.remove(leavingUngrouped)
        computeDepths()
    }

    private mutating func computeDepths() {
        var depth: [String: Int] = ["all": 0]
        func visit(_ name: String, _ stack: inout Set<String>) -> Int {
            if let known = depth[name] { return known }
            stack.insert(name)
            var value = 0
            for parent in groups[name]!.parents where !stack.contains(parent) {
                value = max(value, visit(parent, &stack) + 1)
            }
            stack.remove(name)
            depth[name] = value
            return value
        }
        for name in groupOrder {
            var stack = Set<String>()
            groups[name]!.depth = visit(name, &stack)
        }
    }

    /// Every group that holds `host`, directly or through a child group (`all` included).
    func membership(of host: String) -> Set<String> {
        var result = Set<String>()
        for group in hosts[host]?.directGroups ?? [] {
            result.insert(group)
            result.formUnion(ancestors(of: group))
        }
        result.insert("all")
        return result
    }

    /// Groups of `host` other than `all`, in Ansible's precedence order: depth, then
    /// `ansible_group_priority`, then name.
    func sortedGroups(of host: String) -> [Group] {
        membership(of: host).subtracting(["all"]).compactMap { groups[$0] }.sorted {
            ($0.depth, $0.priority, $0.name) < ($1.depth, $1.priority, $1.name)
        }
    }
}
