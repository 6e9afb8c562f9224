/// `ansible-inventory --list`'s JSON view of an inventory.
extension AnsibleInventory {
    /// The value `ansible-inventory -i INV --list` prints: one entry per non-empty group with its
    /// direct `hosts` and `children` (no `hosts` for `all`), empty groups left out, and
    /// `_meta.hostvars` with each host's merged variables (hosts without variables left out).
    public func listValue() -> AnsibleValue {
        var result = AnsibleMapping()
        var seen = Set<String>()
        func format(_ name: String) {
            guard let group = group(named: name) else { return }
            var entry = AnsibleMapping()
            if name != "all" && !group.hosts.isEmpty { entry["hosts"] = .list(group.hosts.map { .string($0) }) }
            if !group.children.isEmpty { entry["children"] = .list(group.children.map { .string($0) }) }
            if !entry.isEmpty { result[name] = .mapping(entry) }
            for child in group.children where !seen.contains(child) {
                format(child)
                seen.insert(child)
            }
        }
        format("all")
        var hostvars = AnsibleMapping()
        for host in hosts where !host.variables.isEmpty {
            hostvars[host.name] = .mapping(host.variables.values)
        }
        result["_meta"] = .mapping(AnsibleMapping([("hostvars", .mapping(hostvars)), ("profile", .string("inventory_legacy"))]))
        return .mapping(result)
    }

    /// `listValue()` as `ansible-inventory --list` writes it (sorted keys, 4-space indent).
    public func listJSON() -> String {
        AnsibleJSONWriter().text(for: listValue())
    }
}
