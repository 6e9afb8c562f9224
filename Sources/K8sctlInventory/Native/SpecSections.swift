import K8sctlModel
import Yams

/// Readers for the settings sections of `spec`. Each returns the defaults for what is absent.
struct SpecSections {
    let context: LoadContext

    private static let versionHint = "write MAJOR.MINOR.PATCH, e.g. 1.31.4"
    private static let durationHint = "write a Go duration such as 15s, 1m30s or 500ms"

    func kubernetes(_ spec: inout MappingReader) -> KubernetesSettings? {
        guard var section = spec.mapping("kubernetes") else {
            context.error("missing required key 'spec.kubernetes' (with kubernetes.version)", at: spec.node)
            return nil
        }
        defer { section.finish() }
        let version = section.parsed("version", expected: "a Kubernetes version", hint: Self.versionHint) { SemanticVersion($0) }
        if !section.has("version") { context.error("missing required key 'spec.kubernetes.version'", at: section.node) }
        let repository = section.parsed("imageRepository", expected: "an image repository", hint: ImageRepositorySyntax.hint) {
            ImageRepositorySyntax.isValid($0) ? $0 : nil
        } ?? Defaults.imageRepository
        guard let version else { return nil }
        return KubernetesSettings(version: version, imageRepository: repository)
    }

    func network(_ spec: inout MappingReader) -> NetworkSettings {
        var settings = NetworkSettings()
        guard var section = spec.mapping("network") else { return settings }
        defer { section.finish() }
        let cidrHint = "write ADDRESS/PREFIX, e.g. 10.244.0.0/16"
        if let value = section.parsed("podCIDR", expected: "a CIDR", hint: cidrHint, { CIDR($0) }) { settings.podCIDR = value }
        if let value = section.parsed("serviceCIDR", expected: "a CIDR", hint: cidrHint, { CIDR($0) }) { settings.serviceCIDR = value }
        if let value = section.int("nodeMaskSize", range: 1...128) { settings.nodeMaskSize = value }
        if let value = section.parsed("dnsDomain", expected: "a DNS domain", { InputSyntax.isHostName($0) ? $0 : nil }) { settings.dnsDomain = value }
        if let value = section.parsed("plugin", expected: "a CNI plugin name", { InputSyntax.isHostName($0) ? $0 : nil }) { settings.plugin = value }
        return settings
    }

    func controlPlane(_ spec: inout MappingReader) -> ControlPlaneSettings {
        var settings = ControlPlaneSettings()
        guard var section = spec.mapping("controlPlane") else { return settings }
        defer { section.finish() }
        if var endpoint = section.mapping("endpoint") {
            var value = APIEndpoint()
            if let mode = endpoint.enumeration("mode", APIEndpoint.Mode.self) { value.mode = mode }
            value.vip = endpoint.parsed("vip", expected: "an IP address") { IPAddress($0) }
            value.interface = endpoint.parsed("interface", expected: "a network interface name") {
                $0.count <= 15 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@".contains($0)) } ? $0 : nil
            }
            if let manager = endpoint.enumeration("vipManager", APIEndpoint.VIPManager.self) { value.vipManager = manager }
            value.address = endpoint.parsed("address", expected: "host:port") { text in
                let candidate = APIEndpoint(address: text).externalHostPort
                guard let candidate, !candidate.host.isEmpty, (1...65535).contains(candidate.port),
                      IPAddress(candidate.host) != nil || InputSyntax.isHostName(candidate.host) else { return nil }
                return text
            }
            value.dnsName = endpoint.parsed("dnsName", expected: "a DNS name") { InputSyntax.isHostName($0) ? $0 : nil }
            if let port = endpoint.int("apiServerPort", range: 1...65535) { value.apiServerPort = port }
            if let proxy = endpoint.enumeration("proxy", APIEndpoint.ProxyKind.self) { value.proxy = proxy }
            if let port = endpoint.int("proxyPort", range: 1...65535) { value.proxyPort = port }
            switch value.mode {
            case .vip where value.vip == nil && !endpoint.has("vip"):
                context.error("endpoint mode 'vip' needs 'vip: ADDRESS'", at: endpoint.node)
            case .external where value.address == nil && !endpoint.has("address"):
                context.error("endpoint mode 'external' needs 'address: HOST:PORT' of your load balancer", at: endpoint.node)
            default: break
            }
            endpoint.finish()
            settings.endpoint = value
        }
        if var election = section.mapping("leaderElection") {
            if let value = election.parsed("leaseDuration", expected: "a duration", hint: Self.durationHint, { TimeSpan($0) }) { settings.leaderElection.leaseDuration = value }
            if let value = election.parsed("renewDeadline", expected: "a duration", hint: Self.durationHint, { TimeSpan($0) }) { settings.leaderElection.renewDeadline = value }
            if let value = election.parsed("retryPeriod", expected: "a duration", hint: Self.durationHint, { TimeSpan($0) }) { settings.leaderElection.retryPeriod = value }
            election.finish()
        }
        if var extra = section.mapping("extraArgs") {
            settings.extraArgs.apiserver = flags(&extra, "apiserver")
            settings.extraArgs.controllerManager = flags(&extra, "controllerManager")
            settings.extraArgs.scheduler = flags(&extra, "scheduler")
            extra.finish()
        }
        return settings
    }

    func etcd(_ spec: inout MappingReader) -> EtcdSettings {
        var settings = EtcdSettings()
        guard var section = spec.mapping("etcd") else { return settings }
        defer { section.finish() }
        if let value = section.enumeration("topology", EtcdSettings.Topology.self) { settings.topology = value }
        if let value = section.enumeration("deployment", EtcdSettings.Deployment.self) { settings.deployment = value }
        settings.version = section.parsed("version", expected: "an etcd version", hint: Self.versionHint) { SemanticVersion($0) }
        if let value = absolutePath(&section, "dataDir") { settings.dataDir = value }
        if let value = absolutePath(&section, "snapshotDir") { settings.snapshotDir = value }
        if let value = section.int("snapshotRetention", range: 1...1000) { settings.snapshotRetention = value }
        if let value = section.int("clientPort", range: 1...65535) { settings.clientPort = value }
        if let value = section.int("peerPort", range: 1...65535) { settings.peerPort = value }
        settings.extraArgs = flags(&section, "extraArgs")
        return settings
    }

    func kubelet(_ spec: inout MappingReader) -> KubeletSettings {
        var settings = KubeletSettings()
        guard var section = spec.mapping("kubelet") else { return settings }
        defer { section.finish() }
        if let value = section.int("maxPods", range: 1...10000) { settings.maxPods = value }
        if let value = section.parsed("cgroupDriver", expected: "systemd or cgroupfs", { ["systemd", "cgroupfs"].contains($0) ? $0 : nil }) { settings.cgroupDriver = value }
        if let value = section.parsed("containerRuntimeEndpoint", expected: "a unix:// socket URL", {
            $0.hasPrefix("unix:///") && InputSyntax.isAbsolutePath(String($0.dropFirst("unix://".count))) ? $0 : nil
        }) { settings.containerRuntimeEndpoint = value }
        settings.extraArgs = flags(&section, "extraArgs")
        return settings
    }

    func pki(_ spec: inout MappingReader) -> PKISettings {
        var settings = PKISettings()
        guard var section = spec.mapping("pki") else { return settings }
        defer { section.finish() }
        if let value = section.enumeration("keyAlgorithm", PKISettings.KeyAlgorithm.self) { settings.keyAlgorithm = value }
        if let value = section.int("caValidityDays", range: 1...36500) { settings.caValidityDays = value }
        if let value = section.int("certificateValidityDays", range: 1...36500) { settings.certificateValidityDays = value }
        if let value = section.int("renewBeforeDays", range: 0...3650) { settings.renewBeforeDays = value }
        // A leaf is renewed when it has less than renewBeforeDays left; a fresh one must not already
        // qualify, or every apply would re-issue every certificate and restart every component.
        if settings.renewBeforeDays >= settings.certificateValidityDays {
            let written = section.childPath("renewBeforeDays")
            let path = context.sourceMap.contains(written) ? written : section.childPath("certificateValidityDays")
            context.diagnostics.append(.error(
                "'\(written)' is \(settings.renewBeforeDays) but certificates are issued for \(settings.certificateValidityDays) days: every apply would renew every certificate",
                at: context.sourceMap.location(of: path),
                hint: "keep renewBeforeDays below certificateValidityDays (defaults: 30 and 365)"))
        }
        return settings
    }

    func artifacts(_ spec: inout MappingReader) -> ArtifactSettings {
        var settings = ArtifactSettings()
        guard var section = spec.mapping("artifacts") else { return settings }
        defer { section.finish() }
        if let value = section.parsed("source", expected: "a directory or an https:// URL", {
            InputSyntax.isSingleLine($0) && !$0.isEmpty && ($0.hasPrefix("https://") || !$0.contains("://")) ? $0 : nil
        }) { settings.source = value }
        if var pins = section.mapping("sha256") {
            pins.acceptAllKeys()
            for entry in pins.keys {
                let componentPath = pins.childPath(entry.key)
                if ArtifactComponent(rawValue: entry.key) == nil {
                    context.error("unknown artifact component '\(entry.key)'", at: entry.keyNode,
                                  hint: NearestName.closest(to: entry.key, in: ArtifactComponent.allCases.map(\.rawValue)).map { "did you mean '\($0)'?" }
                                      ?? "known: \(ArtifactComponent.allCases.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
                guard var versions = MappingReader(entry.value, path: componentPath, context: context,
                                                   what: "'\(componentPath)' (version: sha256)") else { continue }
                versions.acceptAllKeys()
                var table: [String: String] = [:]
                for pin in versions.keys {
                    guard SemanticVersion(pin.key) != nil else {
                        context.error("'\(pin.key)' is not a version", at: pin.keyNode, hint: Self.versionHint)
                        continue
                    }
                    guard case .scalar(let scalar) = pin.value, scalar.string.count == 64,
                          scalar.string.allSatisfy({ $0.isHexDigit }) else {
                        context.error("sha256 of \(entry.key) \(pin.key) must be 64 hex digits", at: pin.value)
                        continue
                    }
                    context.record(versions.childPath(pin.key), pin.value)
                    table[pin.key.hasPrefix("v") ? String(pin.key.dropFirst()) : pin.key] = scalar.string.lowercased()
                }
                settings.sha256[entry.key] = table
            }
        }
        return settings
    }

    func ssh(_ spec: inout MappingReader) -> SSHSettings {
        var settings = SSHSettings()
        guard var section = spec.mapping("ssh") else { return settings }
        defer { section.finish() }
        if let value = section.parsed("user", expected: "a user name", { InputSyntax.isUserName($0) ? $0 : nil }) { settings.user = value }
        if let value = section.int("port", range: 1...65535) { settings.port = value }
        settings.identityFile = localPath(&section, "identityFile")
        if let value = localPath(&section, "knownHosts") { settings.knownHosts = value }
        if let value = section.enumeration("hostKeyPolicy", SSHSettings.HostKeyPolicy.self) { settings.hostKeyPolicy = value }
        if let value = section.enumeration("become", SSHSettings.Become.self) { settings.become = value }
        if let value = section.enumeration("transport", SSHTransportKind.self) { settings.transport = value }
        if let value = section.parsed("connectTimeout", expected: "a duration", hint: Self.durationHint, { TimeSpan($0) }) { settings.connectTimeout = value }
        if let value = section.parsed("commandTimeout", expected: "a duration", hint: Self.durationHint, { TimeSpan($0) }) { settings.commandTimeout = value }
        if var bastion = section.mapping("bastion") {
            let address = bastion.parsed("address", expected: "an address or host name") {
                IPAddress($0) != nil || InputSyntax.isHostName($0) ? $0 : nil
            }
            if !bastion.has("address") { context.error("missing required key 'spec.ssh.bastion.address'", at: bastion.node) }
            let port = bastion.int("port", range: 1...65535) ?? 22
            let user = bastion.parsed("user", expected: "a user name") { InputSyntax.isUserName($0) ? $0 : nil }
            let identity = localPath(&bastion, "identityFile")
            bastion.finish()
            if let address { settings.bastion = Bastion(address: address, port: port, user: user, identityFile: identity) }
        }
        return settings
    }

    func rollout(_ spec: inout MappingReader) -> RolloutPolicy {
        var policy = RolloutPolicy()
        guard var section = spec.mapping("rollout") else { return policy }
        defer { section.finish() }
        if var controlPlane = section.mapping("controlPlane") {
            if let value = controlPlane.int("batchSize", range: 0...1000) { policy.controlPlane.batchSize = value }
            controlPlane.finish()
        }
        if var workers = section.mapping("workers") {
            for (key, setting) in [("batchSize", \WorkerRollout.batchSize), ("newHostBatchSize", \WorkerRollout.newHostBatchSize)] {
                guard let node = workers.value(key) else { continue }
                if let count = node.int { policy.workers[keyPath: setting] = .count(count) }
                else if let text = node.string, let size = BatchSize(text) { policy.workers[keyPath: setting] = size }
                else { context.error("'spec.rollout.workers.\(key)' must be a count (5) or a percentage (20%)", at: node) }
            }
            if let value = workers.int("maxFailurePercent") { policy.workers.maxFailurePercent = value }
            if let value = workers.parsed("pauseBetweenBatches", expected: "a duration", hint: Self.durationHint, { TimeSpan($0) }) { policy.workers.pauseBetweenBatches = value }
            if let value = workers.bool("confirmEachBatch") { policy.workers.confirmEachBatch = value }
            workers.finish()
        }
        if let names = section.sequence("criticalHosts") {
            policy.criticalHosts = names.compactMap { node in
                guard let name = node.string, InputSyntax.isHostName(name) else {
                    context.error("criticalHosts entries must be host names", at: node)
                    return nil
                }
                return name
            }
        }
        if var drain = section.mapping("drain") {
            if let value = drain.parsed("timeout", expected: "a duration", hint: Self.durationHint, { TimeSpan($0) }) { policy.drain.timeout = value }
            if let value = drain.parsed("gracePeriod", expected: "a duration", hint: Self.durationHint, { TimeSpan($0) }) { policy.drain.gracePeriod = value }
            if let value = drain.bool("ignoreDaemonSets") { policy.drain.ignoreDaemonSets = value }
            if let value = drain.bool("deleteEmptyDirData") { policy.drain.deleteEmptyDirData = value }
            drain.finish()
        }
        return policy
    }

    // MARK: - Shared value readers

    /// `flag-name: value` pairs for a component, passed to it as `--flag-name=value`.
    func flags(_ section: inout MappingReader, _ key: String) -> [String: String] {
        let raw = section.stringMap(key)
        var result: [String: String] = [:]
        for (name, value) in raw {
            let path = section.childPath(key) + "." + name
            let location = context.sourceMap.location(of: path)
            if !InputSyntax.isFlagName(name) {
                context.diagnostics.append(.error("'\(name)' is not a flag name (lower-case letters, digits and '-', without leading '--')", at: location))
            } else if !InputSyntax.isSingleLine(value) {
                context.diagnostics.append(.error("the value of flag '\(name)' must be a single line", at: location))
            } else {
                result[name] = value
            }
        }
        return result
    }

    func absolutePath(_ section: inout MappingReader, _ key: String) -> String? {
        section.parsed(key, expected: "an absolute path", hint: "write a normalised absolute path such as /var/lib/etcd") {
            InputSyntax.isAbsolutePath($0) ? $0 : nil
        }
    }

    /// A path on the machine running k8sctl (`~` allowed).
    func localPath(_ section: inout MappingReader, _ key: String) -> String? {
        section.parsed(key, expected: "a file path") { !$0.isEmpty && InputSyntax.isSingleLine($0) ? $0 : nil }
    }
}
