import Foundation
import K8sctlModel

/// An Ansible inventory resolved as `ansible-inventory -i PATH --list` resolves it: INI or YAML
/// inventory files (or a directory of them), `group_vars/` and `host_vars/` beside it, groups
/// nested through `children`, and every host's variables merged in Ansible's precedence order.
///
/// Variable precedence, lowest first (Ansible's default `VARIABLE_PRECEDENCE`):
/// `all`'s inventory-file vars; other groups' inventory-file vars (sorted by depth, then
/// `ansible_group_priority`, then name); `group_vars/all`; other groups' `group_vars/` (same
/// order); the host's inventory-file vars; `host_vars/HOST`. Note that any `group_vars/` file
/// beats every inventory-file group var, as in Ansible.
public struct AnsibleInventory: Sendable {
    /// A group as the inventory declares it.
    public struct Group: Sendable, Hashable {
        public var name: String
        /// Hosts placed in this group directly, in declaration order.
        public var hosts: [String]
        public var children: [String]
        public var parents: [String]
        /// Longest path from `all`.
        public var depth: Int
        public var priority: Int
        /// Where the group was first declared.
        public var location: SourceLocation?
    }

    /// A host and its fully resolved variables.
    public struct Host: Sendable, Hashable {
        public var name: String
        /// Merged variables, each with the position of the value that won.
        public var variables: InventoryVariables
        /// Every group holding the host, directly or through children, `all` included.
        public var groups: Set<String>
        /// Where the host was first declared.
        public var location: SourceLocation?
    }

    /// The path the inventory was loaded from, as given.
    public let source: String
    /// Groups in declaration order (`all` and `ungrouped` first).
    public let groups: [Group]
    /// Hosts in declaration order.
    public let hosts: [Host]
    private let groupIndex: [String: Int]
    private let hostIndex: [String: Int]

    public func group(named name: String) -> Group? { groupIndex[name].map { groups[$0] } }
    public func host(named name: String) -> Host? { hostIndex[name].map { hosts[$0] } }

    /// Hosts in `group` or any of its descendants, in Ansible's order.
    public func hosts(in group: String) -> [String] {
        guard group != "all" else { return hosts.map(\.name) }
        var ordered = [group]
        var seen: Set<String> = [group]
        var frontier = [group]
        while !frontier.isEmpty {
            frontier = frontier.flatMap { self.group(named: $0)?.children ?? [] }.filter { seen.insert($0).inserted }
            ordered += frontier
        }
        var seenHosts = Set<String>()
        return ordered.flatMap { self.group(named: $0)?.hosts ?? [] }.filter { seenHosts.insert($0).inserted }
    }

    /// Loads the inventory at `path` (a file, or a directory of inventory files) with the
    /// `group_vars/` and `host_vars/` beside it.
    /// - Returns: the inventory, or nil when it cannot be used; and every finding, positioned.
    public static func load(path: String, limits: AnsibleInventoryLimits = .standard) -> (AnsibleInventory?, [Diagnostic]) {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            return (nil, [.error("inventory '\(path)' does not exist", at: nil,
                                 hint: "pass the inventory file (hosts.ini, hosts.yaml) or its directory")])
        }
        let givenBase = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let base = isDirectory.boolValue ? url : url.deletingLastPathComponent()
        let display: @Sendable (URL) -> String = { file in
            let prefix = base.path.hasSuffix("/") ? base.path : base.path + "/"
            guard file.path.hasPrefix(prefix) else { return file.path }
            let rest = String(file.path.dropFirst(prefix.count))
            return givenBase.isEmpty || givenBase == "." ? rest : (givenBase as NSString).appendingPathComponent(rest)
        }
        var graph = InventoryGraph(hostLimit: limits.hosts)
        var diagnostics: [Diagnostic] = []
        let files = isDirectory.boolValue ? inventoryFiles(in: url) : [url]
        if files.isEmpty {
            return (nil, [.error("directory '\(path)' holds no inventory file", at: nil)])
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path),
                  let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(.error("cannot read '\(display(file))' as UTF-8 text", at: SourceLocation(file: display(file), line: 1, column: 1)))
                continue
            }
            diagnostics += parseSource(text, file: display(file), pathExtension: file.pathExtension, into: &graph)
        }
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        let inventory = resolve(graph, source: path, vars: VarsDirectory(base: base), display: display,
                                limits: limits, diagnostics: &diagnostics)
        return (diagnostics.hasErrors ? nil : inventory, diagnostics)
    }

    /// Loads inventory text held in memory; `group_vars/`/`host_vars/` are read from `directory`
    /// when given.
    public static func load(text: String, file: String, directory: String? = nil,
                            limits: AnsibleInventoryLimits = .standard) -> (AnsibleInventory?, [Diagnostic]) {
        var graph = InventoryGraph(hostLimit: limits.hosts)
        var diagnostics = parseSource(text, file: file, pathExtension: (file as NSString).pathExtension, into: &graph)
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        let base = URL(fileURLWithPath: directory ?? "/nonexistent-k8sctl-vars-dir")
        let inventory = resolve(graph, source: file, vars: VarsDirectory(base: base), display: { $0.path },
                                limits: limits, diagnostics: &diagnostics)
        return (diagnostics.hasErrors ? nil : inventory, diagnostics)
    }

    /// Picks the plugin as Ansible's default `enable_plugins` order does: `.yml`/`.yaml`/`.json`
    /// are YAML; no extension tries YAML then INI; anything else is INI.
    private static func parseSource(_ text: String, file: String, pathExtension: String, into graph: inout InventoryGraph) -> [Diagnostic] {
        let ext = pathExtension.lowercased()
        if ["yml", "yaml", "json"].contains(ext) {
            return YAMLInventoryParser(file: file).parse(text, into: &graph)
        }
        if ext.isEmpty {
            var attempt = graph
            let yamlFindings = YAMLInventoryParser(file: file).parse(text, into: &attempt)
            if !yamlFindings.hasErrors {
                graph = attempt
                return yamlFindings
            }
        }
        return INIInventoryParser(file: file).parse(text, into: &graph)
    }

    /// Files Ansible reads from an inventory directory: sorted, hidden files, `group_vars`,
    /// `host_vars` and its ignored extensions skipped, sub-directories recursed.
    private static func inventoryFiles(in directory: URL) -> [URL] {
        let ignored = [".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg", ".retry", ".ini~"]
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        var files: [URL] = []
        for name in names where !name.hasPrefix(".") && !ignored.contains(where: { name.hasSuffix($0) }) {
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                if name != "group_vars" && name != "host_vars" { files += inventoryFiles(in: url) }
            } else {
                files.append(url)
            }
        }
        return files
    }

    private static func resolve(_ parsed: InventoryGraph, source: String, vars: VarsDirectory,
                                display: @escaping (URL) -> String, limits: AnsibleInventoryLimits,
                                diagnostics: inout [Diagnostic]) -> AnsibleInventory? {
        var graph = parsed
        graph.reconcile()
        var loader = VarsFileLoader(displayPath: display)
        func fileVariables(_ name: String, _ subdirectory: String) -> InventoryVariables {
            vars.files(for: name, in: subdirectory).reduce(InventoryVariables()) { $0.combined(with: loader.variables(in: $1)) }
        }
        var groupFileVars: [String: InventoryVariables] = [:]
        for name in graph.groupOrder { groupFileVars[name] = fileVariables(name, "group_vars") }

        let allInline = graph.groups["all"]!.vars
        // Hosts of the same groups get the same group-level variables: merged once per group list
        // (a 5,000-host inventory has a handful), not once per host.
        var groupLevel: [[String]: InventoryVariables] = [:]
        var hosts: [Host] = []
        var resolvedVariables = 0
        for name in graph.hostOrder {
            let host = graph.hosts[name]!
            let sorted = graph.sortedGroups(of: name)
            let key = sorted.map(\.name)
            var merged: InventoryVariables
            if let known = groupLevel[key] {
                merged = known
            } else {
                merged = allInline
                for group in sorted { merged = merged.combined(with: group.vars) }
                merged = merged.combined(with: groupFileVars["all"]!)
                for group in sorted { merged = merged.combined(with: groupFileVars[group.name]!) }
                groupLevel[key] = merged
            }
            merged = merged.combined(with: host.vars)
            merged = merged.combined(with: fileVariables(name, "host_vars"))
            resolvedVariables += merged.count
            guard resolvedVariables <= limits.hostVariables else {
                diagnostics += loader.diagnostics
                diagnostics.append(.error("the inventory resolves to more than \(limits.hostVariables) host variables (hosts × variables each) by host \(name)",
                                          at: host.location, hint: "set shared values as group variables of fewer, larger groups, or split the inventory"))
                return nil
            }
            hosts.append(Host(name: name, variables: merged, groups: graph.membership(of: name), location: host.location))
        }
        diagnostics += loader.diagnostics
        for (subdirectory, known, kind) in [("group_vars", Set(graph.groupOrder), "group"), ("host_vars", Set(graph.hostOrder), "host")] {
            for (name, url) in vars.entries(in: subdirectory) where !known.contains(name) {
                diagnostics.append(.warning("\(subdirectory)/\(url.lastPathComponent) applies to no \(kind) of the inventory; Ansible ignores it",
                                            at: SourceLocation(file: display(url), line: 1, column: 1),
                                            hint: kind == "group" ? "declare the group (for Kubespray: [k8s_cluster:children] with kube_control_plane and kube_node)" : "check the host name"))
            }
        }
        let groups = graph.groupOrder.map { name -> Group in
            let group = graph.groups[name]!
            return Group(name: name, hosts: group.hosts, children: group.children, parents: group.parents,
                         depth: group.depth, priority: group.priority, location: group.location)
        }
        return AnsibleInventory(source: source, groups: groups, hosts: hosts)
    }

    init(source: String, groups: [Group], hosts: [Host]) {
        self.source = source
        self.groups = groups
        self.hosts = hosts
        self.groupIndex = Dictionary(groups.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.hostIndex = Dictionary(hosts.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
