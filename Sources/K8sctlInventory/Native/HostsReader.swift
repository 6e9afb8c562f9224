import K8sctlModel
import Yams

/// Reads `spec.nodePools` and `spec.hosts`.
struct HostsReader {
    let context: LoadContext

    func pools(_ spec: inout MappingReader) -> [NodePool] {
        guard let items = spec.sequence("nodePools") else { return [] }
        var pools: [NodePool] = []
        for (index, item) in items.enumerated() {
            let path = "spec.nodePools[\(index)]"
            guard var reader = MappingReader(item, path: path, context: context, what: "a node pool") else { continue }
            let name = reader.string("name", required: true)
            if let name, !InputSyntax.isHostName(name) {
                context.error("node pool name '\(name)' must be a lower-case DNS label", at: reader.value("name"))
            }
            let labels = self.labels(&reader)
            let taints = self.taints(&reader)
            let zone = reader.parsed("zone", expected: "a zone name (a label value)") { InputSyntax.isLabelValue($0) ? $0 : nil }
            reader.finish()
            if let name {
                pools.append(NodePool(name: name, labels: labels, taints: taints, zone: zone, path: path))
            }
        }
        return pools
    }

    func hosts(_ spec: inout MappingReader, pools: [NodePool]) -> [Host] {
        guard let items = spec.sequence("hosts") else {
            // `hosts:` written with nothing under it (every entry deleted) is an empty list, not a
            // missing key: the change then reaches the rules, which say what removing every host
            // loses (no control plane, no etcd, every current member gone).
            if !spec.declares("hosts") {
                context.error("missing required key 'spec.hosts' (the list of machines)", at: spec.node)
            }
            return []
        }
        var hosts: [Host] = []
        for (index, item) in items.enumerated() {
            let path = "spec.hosts[\(index)]"
            guard var reader = MappingReader(item, path: path, context: context, what: "a host") else { continue }
            let name = reader.parsed("name", expected: "a lower-case DNS name (a-z, 0-9, '-', '.')") {
                InputSyntax.isHostName($0) ? $0 : nil
            }
            if !reader.has("name") { context.error("missing required key 'name' in \(path)", at: item) }
            let address = reader.parsed("address", expected: "an IP address") { IPAddress($0) }
            if !reader.has("address") { context.error("missing required key 'address' in \(path)", at: item) }
            let internalAddress = reader.parsed("internalAddress", expected: "an IP address") { IPAddress($0) }
            let roles = self.roles(&reader, path: path)
            let pool = reader.string("pool")
            if let pool, !pools.contains(where: { $0.name == pool }) {
                let suggestion = NearestName.closest(to: pool, in: pools.map(\.name))
                context.error("host refers to node pool '\(pool)', which is not in spec.nodePools", at: reader.value("pool"),
                              hint: suggestion.map { "did you mean '\($0)'?" } ?? "declare it under spec.nodePools or remove 'pool'")
            }
            let labels = self.labels(&reader)
            let taints = self.taints(&reader)
            let critical = reader.bool("critical") ?? false
            let replacement = reader.bool("replacement") ?? false
            var overrides = SSHOverrides()
            if var ssh = reader.mapping("ssh") {
                overrides.user = ssh.parsed("user", expected: "a user name") { InputSyntax.isUserName($0) ? $0 : nil }
                overrides.port = ssh.int("port", range: 1...65535)
                overrides.identityFile = ssh.parsed("identityFile", expected: "a file path") { !$0.isEmpty && InputSyntax.isSingleLine($0) ? $0 : nil }
                overrides.transport = ssh.enumeration("transport", SSHTransportKind.self)
                ssh.finish()
            }
            reader.finish()
            if let name, let address {
                hosts.append(Host(name: name, address: address, internalAddress: internalAddress, roles: roles,
                                  pool: pool, labels: labels, taints: taints, critical: critical,
                                  replacement: replacement, ssh: overrides, path: path))
            }
        }
        return hosts
    }

    private func roles(_ reader: inout MappingReader, path: String) -> Set<Role> {
        guard let items = reader.sequence("roles") else {
            if !reader.has("roles") {
                context.error("missing required key 'roles' in \(path)", at: reader.node,
                              hint: "roles: [control-plane, etcd, worker] — any combination")
            }
            return []
        }
        var roles = Set<Role>()
        let names = Role.allCases.map(\.rawValue)
        for item in items {
            guard let text = item.string, let role = Role(rawValue: text) ?? RoleAliases.role(for: text) else {
                let text = item.string ?? MappingReader.describe(item)
                context.error("unknown role '\(text)'", at: item,
                              hint: NearestName.closest(to: text, in: names).map { "did you mean '\($0)'?" } ?? "roles are \(names.joined(separator: ", "))")
                continue
            }
            if !roles.insert(role).inserted { context.warning("role '\(role.rawValue)' listed twice", at: item) }
        }
        if roles.isEmpty && items.isEmpty { context.error("a host needs at least one role", at: reader.node) }
        return roles
    }

    private func labels(_ reader: inout MappingReader) -> [String: String] {
        let labels = reader.stringMap("labels")
        var valid: [String: String] = [:]
        for (key, value) in labels {
            let location = context.sourceMap.location(of: reader.childPath("labels") + "." + key)
            if !InputSyntax.isLabelKey(key) {
                context.diagnostics.append(.error("'\(key)' is not a valid Kubernetes label key", at: location,
                                                  hint: "[prefix/]name: name ≤ 63 alphanumerics, '-', '_', '.'"))
            } else if !InputSyntax.isLabelValue(value) {
                context.diagnostics.append(.error("'\(value)' is not a valid label value for '\(key)'", at: location,
                                                  hint: "≤ 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric"))
            } else {
                valid[key] = value
            }
        }
        return valid
    }

    private func taints(_ reader: inout MappingReader) -> [Taint] {
        guard let items = reader.sequence("taints") else { return [] }
        var taints: [Taint] = []
        for item in items {
            var taint: Taint?
            switch item {
            case .scalar(let scalar):
                taint = Taint(scalar.string)
            case .mapping:
                if var entry = MappingReader(item, path: reader.childPath("taints"), context: context, what: "a taint") {
                    let key = entry.string("key", required: true)
                    let value = entry.string("value")
                    let effect = entry.enumeration("effect", Taint.Effect.self)
                    if !entry.has("effect") { context.error("a taint needs 'effect'", at: item) }
                    entry.finish()
                    if let key, let effect { taint = Taint(key: key, value: value, effect: effect) }
                }
            default:
                break
            }
            guard let taint, InputSyntax.isLabelKey(taint.key), InputSyntax.isLabelValue(taint.value ?? "") else {
                context.error("invalid taint \(MappingReader.describe(item))", at: item,
                              hint: "write key=value:Effect with Effect one of NoSchedule, PreferNoSchedule, NoExecute")
                continue
            }
            taints.append(taint)
        }
        return taints
    }
}

/// Role names users bring from other tools.
enum RoleAliases {
    static func role(for text: String) -> Role? {
        switch text {
        case "master", "controlplane", "control_plane", "kube_control_plane": .controlPlane
        case "node", "minion", "kube_node": .worker
        default: nil
        }
    }
}
