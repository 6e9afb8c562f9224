import K8sctlModel

/// One inventory host → one native `Host`: addresses from `ansible_host`/`ip`/`access_ip`, roles
/// from Kubespray's groups, labels and taints from `node_labels`/`node_taints`.
extension KubesprayImportContext {
    mutating func importHost(_ source: AnsibleInventory.Host, index: Int, clusterSSH: SSHSettings) -> Host? {
        let path = "spec.hosts[\(index)]"
        record(path, source.location)
        record(path + ".name", source.location)
        var ok = true
        if !InputSyntax.isHostName(source.name) {
            error("host name '\(source.name)' is not a lower-case DNS name, which Kubernetes requires of node names",
                  at: source.location, hint: "rename the host in the inventory (its address goes in ansible_host)", subject: source.name)
            ok = false
        }

        func address(_ key: String) -> (IPAddress?, String, SourceLocation?)? {
            guard let found = value(key, of: source) else { return nil }
            guard let text = found.value.stringValue else {
                error("\(key) must be an address, got \(found.value)", at: found.location, subject: source.name)
                return (nil, "\(found.value)", found.location)
            }
            return (IPAddress(text), text, found.location)
        }
        let ansibleHost = address("ansible_host")
        let ip = address("ip")
        let accessIP = address("access_ip")

        var sshAddress: IPAddress?
        var sshLocation: SourceLocation?
        if let (parsed, text, location) = ansibleHost {
            if let parsed {
                sshAddress = parsed; sshLocation = location
            } else if let ipParsed = ip?.0 {
                sshAddress = ipParsed; sshLocation = ip?.2
                warn("ansible_host '\(text)' of \(source.name) is not an IP address; k8sctl connects to ip (\(ipParsed)) instead",
                     at: location, hint: "k8sctl inventories hold IP addresses; resolve the name first", subject: source.name)
            } else {
                error("ansible_host '\(text)' of \(source.name) is not an IP address, and the host has no ip", at: location,
                      hint: "k8sctl connects by IP address: set ansible_host or ip to one", subject: source.name)
                ok = false
            }
        } else if let parsed = accessIP?.0 ?? ip?.0 {
            sshAddress = parsed; sshLocation = accessIP?.0 != nil ? accessIP?.2 : ip?.2
        } else if let parsed = IPAddress(source.name) {
            sshAddress = parsed; sshLocation = source.location
        } else {
            error("host \(source.name) has no address: set ansible_host (or ip)", at: source.location, subject: source.name)
            ok = false
        }
        for candidate in [ip, accessIP].compactMap({ $0 }) where candidate.0 == nil {
            error("'\(candidate.1)' is not an IP address", at: candidate.2, subject: source.name)
            ok = false
        }

        // Components bind to `ip`; other nodes reach the host at `access_ip`, else `ip`.
        var internalAddress: IPAddress?
        var internalLocation: SourceLocation?
        if let parsed = ip?.0 { internalAddress = parsed; internalLocation = ip?.2 }
        else if let parsed = accessIP?.0, ansibleHost != nil { internalAddress = parsed; internalLocation = accessIP?.2 }
        if let access = accessIP?.0, let bind = ip?.0, access != bind, access != sshAddress {
            warn("access_ip \(access) of \(source.name) differs from ip \(bind); k8sctl has one internal address and uses ip",
                 at: accessIP?.2, subject: source.name)
        }
        if internalAddress == sshAddress { internalAddress = nil }

        let roles = KubesprayGroups.roles(of: source)
        var labels: [String: String] = [:]
        if let found = value("node_labels", of: source) {
            if let mapping = found.value.mappingValue {
                for (key, labelValue) in mapping {
                    let text = Self.labelText(labelValue)
                    guard InputSyntax.isLabelKey(key), InputSyntax.isLabelValue(text) else {
                        error("node label '\(key)=\(text)' of \(source.name) is not a valid Kubernetes label", at: found.location, subject: source.name)
                        ok = false
                        continue
                    }
                    labels[key] = text
                }
                record(path + ".labels", found.location)
            } else {
                error("node_labels must be a mapping, got \(found.value)", at: found.location, subject: source.name)
                ok = false
            }
        }
        var taints: [Taint] = []
        if let found = value("node_taints", of: source) {
            if let items = found.value.listValue {
                for item in items {
                    guard let text = item.stringValue, let taint = Taint(text) else {
                        error("node taint \(item) of \(source.name) is not key[=value]:NoSchedule|PreferNoSchedule|NoExecute",
                              at: found.location, subject: source.name)
                        ok = false
                        continue
                    }
                    taints.append(taint)
                }
                record(path + ".taints", found.location)
            } else {
                error("node_taints must be a list, got \(found.value)", at: found.location, subject: source.name)
                ok = false
            }
        }

        var overrides = SSHOverrides()
        if let user = value("ansible_user", of: source)?.value.stringValue, user != clusterSSH.user { overrides.user = user }
        if let port = (value("ansible_port", of: source) ?? value("ansible_ssh_port", of: source))?.value.intValue,
           port != clusterSSH.port { overrides.port = port }
        if let key = (value("ansible_ssh_private_key_file", of: source) ?? value("ansible_private_key_file", of: source))?.value.stringValue,
           key != clusterSSH.identityFile { overrides.identityFile = key }

        guard ok, let sshAddress else { return nil }
        record(path + ".address", sshLocation)
        record(path + ".internalAddress", internalLocation)
        record(path + ".roles", source.location)
        return Host(name: source.name, address: sshAddress, internalAddress: internalAddress, roles: roles,
                    labels: labels, taints: taints, ssh: overrides, path: path)
    }

    /// Label values as Ansible renders them into `--node-labels`: `True`→"true" is Kubespray's
    /// convention for booleans.
    static func labelText(_ value: AnsibleValue) -> String {
        switch value {
        case .string(let text), .unsafe(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .float(let number): AnsibleJSONWriter.floatText(number)
        case .null: ""
        default: "\(value)"
        }
    }
}
