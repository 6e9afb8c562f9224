import K8sctlModel

/// Shared state of one import: the inventory, the findings so far, and variable lookups that
/// resolve simple Jinja references and report the rest with the value's position.
struct KubesprayImportContext {
    let inventory: AnsibleInventory
    /// The hosts that become cluster hosts, in inventory order.
    let clusterHosts: [AnsibleInventory.Host]
    /// Where cluster-wide settings are read: the first control-plane host, as Kubespray reads
    /// `hostvars[groups['kube_control_plane'][0]]`.
    let referenceHost: AnsibleInventory.Host?
    var diagnostics: [Diagnostic] = []
    var sourceMap: SourceMap
    private var reportedTemplates: Set<String> = []

    init(inventory: AnsibleInventory, clusterHosts: [AnsibleInventory.Host], referenceHost: AnsibleInventory.Host?) {
        self.inventory = inventory
        self.clusterHosts = clusterHosts
        self.referenceHost = referenceHost
        self.sourceMap = SourceMap(file: inventory.source)
    }

    var fileStart: SourceLocation { SourceLocation(file: inventory.source, line: 1, column: 1) }

    mutating func warn(_ message: String, at location: SourceLocation?, hint: String? = nil, subject: String? = nil) {
        diagnostics.append(Diagnostic(severity: .warning, message: message, location: location ?? fileStart, hint: hint, subject: subject))
    }

    mutating func error(_ message: String, at location: SourceLocation?, hint: String? = nil, subject: String? = nil) {
        diagnostics.append(Diagnostic(severity: .error, message: message, location: location ?? fileStart, hint: hint, subject: subject))
    }

    mutating func note(_ message: String, at location: SourceLocation?, hint: String? = nil) {
        diagnostics.append(Diagnostic(severity: .note, message: message, location: location ?? fileStart, hint: hint))
    }

    /// `key` as `host` sees it, simple `{{ var }}` references resolved. An unresolvable template
    /// is an error at the value's position (once per position) and yields nil.
    mutating func value(_ key: String, of host: AnsibleInventory.Host) -> (value: AnsibleValue, location: SourceLocation?)? {
        guard let raw = host.variables[key] else { return nil }
        let location = host.variables.origin(of: key)
        switch JinjaReferences(variables: host.variables.values).evaluate(raw) {
        case .literal(let value), .resolved(let value):
            return (value, location)
        case .unresolved(let reason):
            let id = "\(key)@\(location?.description ?? host.name)"
            if reportedTemplates.insert(id).inserted {
                error("\(key) is a Jinja template k8sctl cannot evaluate: \(reason)", at: location,
                      hint: "replace it with a literal value in the inventory before importing", subject: host.name)
            }
            return nil
        }
    }

    /// A cluster-wide setting: the reference host's value; a warning names hosts that see another.
    mutating func clusterValue(_ key: String) -> (value: AnsibleValue, location: SourceLocation?)? {
        guard let referenceHost else { return nil }
        let found = value(key, of: referenceHost)
        let differing = clusterHosts.filter { $0.name != referenceHost.name && $0.variables[key] != nil && $0.variables[key] != referenceHost.variables[key] }
        if !differing.isEmpty {
            let names = differing.prefix(5).map(\.name).joined(separator: ", ") + (differing.count > 5 ? ", …" : "")
            let taken = found.map { "\($0.value)" } ?? "unset: the default"
            warn("\(key) differs between hosts (\(names)); k8sctl has one cluster-wide value and takes \(referenceHost.name)'s (\(taken))",
                 at: differing[0].variables.origin(of: key), hint: "set \(key) once, in group_vars/k8s_cluster or group_vars/all")
        }
        return found
    }

    /// A string setting; a non-string is an error.
    mutating func clusterString(_ key: String) -> (value: String, location: SourceLocation?)? {
        guard let found = clusterValue(key) else { return nil }
        switch found.value {
        case .string(let text), .unsafe(let text): return (text, found.location)
        case .int(let number): return (String(number), found.location)
        case .float(let number): return (AnsibleJSONWriter.floatText(number), found.location)
        default:
            error("\(key) must be a string, got \(found.value)", at: found.location)
            return nil
        }
    }

    mutating func clusterInt(_ key: String) -> (value: Int, location: SourceLocation?)? {
        guard let found = clusterValue(key) else { return nil }
        guard let number = found.value.intValue else {
            error("\(key) must be an integer, got \(found.value)", at: found.location)
            return nil
        }
        return (number, found.location)
    }

    mutating func clusterBool(_ key: String) -> (value: Bool, location: SourceLocation?)? {
        guard let found = clusterValue(key) else { return nil }
        guard let flag = found.value.boolValue else {
            error("\(key) must be a boolean, got \(found.value)", at: found.location)
            return nil
        }
        return (flag, found.location)
    }

    mutating func record(_ path: String, _ location: SourceLocation?) {
        if let location { sourceMap.record(path, location) }
    }
}
