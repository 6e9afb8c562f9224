import K8sctlModel

/// The parameters each action accepts in a playbook step, and how they become a typed `StepAction`.
/// Parameters an action derives itself (the member name of `etcd-member-add`, the drain timeouts)
/// are not accepted from the playbook: they come from the inventory.
enum ActionParameters {
    /// Keys every step has, whatever its action.
    static let commonKeys = ["name", "on", "once", "when", "needs", "action"]

    /// Parameter keys per action (the catalog the loader checks against).
    static let keys: [ActionKind: [String]] = [
        .render: ["template", "component", "path", "mode", "owner"],
        .pki: ["sets"],
        .unit: ["unit", "daemonReload", "enabled", "state"],
        .command: ["argv", "creates", "unless", "idempotent"],
        .wait: ["tcp", "https", "command", "nodeReady", "timeout", "staticPod"],
        .etcdMemberAdd: [], .etcdMemberRemove: [],
        .cordon: [], .drain: [], .uncordon: [], .deleteNode: [],
        .etcdSnapshot: ["file"],
        .backupFiles: ["paths", "revision"],
        .restoreFiles: ["paths", "revision"],
        .uploadArtifact: ["component", "path", "mode"],
        .preflight: ["checks"],
    ]

    /// The PKI sets `pki` may ensure (the PKI catalog's groups).
    static let pkiSets = ["cluster-cas", "etcd", "control-plane", "kubelet", "kubeconfigs", "service-account"]

    static func parse(_ kind: ActionKind, from reader: inout PlaybookNodeReader) -> StepAction? {
        switch kind {
        case .render:
            guard let template = reader.string("template", required: true),
                  let path = reader.string("path", required: true) else { return nil }
            let mode = reader.string("mode") ?? "0644"
            if !isOctalMode(mode) {
                reader.diagnostics.append(.error("\(reader.what): mode '\(mode)' is not an octal mode like 0644", at: reader.location(reader.value("mode"))))
            }
            return .render(RenderAction(template: template, component: reader.string("component"), path: path,
                                        mode: mode, owner: reader.string("owner") ?? "root"))
        case .pki:
            guard let sets = reader.strings("sets", required: true) else { return nil }
            for (name, location) in sets where !pkiSets.contains(name) {
                reader.diagnostics.append(.error("\(reader.what): unknown PKI set '\(name)'", at: location,
                                                 hint: NearestName.hint(for: name, in: pkiSets)))
            }
            return .pki(PKIAction(sets: sets.map(\.0)))
        case .unit:
            guard let name = reader.string("unit", required: true) else { return nil }
            return .unit(UnitAction(name: name, daemonReload: reader.bool("daemonReload") ?? true,
                                    enabled: reader.bool("enabled") ?? true,
                                    state: reader.choice("state", UnitAction.State.self) ?? .started))
        case .command:
            guard let argv = reader.strings("argv", required: true), !argv.isEmpty else { return nil }
            let creates = reader.string("creates")
            let unless = reader.strings("unless")?.map(\.0)
            let idempotent = reader.bool("idempotent") ?? false
            if creates == nil && unless == nil && !idempotent {
                reader.diagnostics.append(.error("\(reader.what): a command needs a guard so a second apply does nothing",
                                                 at: reader.here, hint: "add 'creates: PATH' or 'unless: [argv…]', or 'idempotent: true' when the command is"))
            }
            return .command(CommandAction(argv: argv.map(\.0), creates: creates, unless: unless, idempotent: idempotent))
        case .wait:
            let timeoutText = reader.string("timeout") ?? "5m"
            guard let timeout = TimeSpan(timeoutText) else {
                reader.diagnostics.append(.error("\(reader.what): timeout '\(timeoutText)' is not a duration like 90s or 5m", at: reader.location(reader.value("timeout"))))
                return nil
            }
            var probes: [WaitAction.Probe] = []
            if let address = reader.string("tcp") { probes.append(.tcp(address: address)) }
            if let argv = reader.strings("command") { probes.append(.command(argv: argv.map(\.0))) }
            if let node = reader.string("nodeReady") { probes.append(.nodeReady(node: node)) }
            if let node = reader.value("https") {
                var inner = PlaybookNodeReader(node, file: reader.file, what: "\(reader.what) https")
                if let url = inner.string("url", required: true), let cert = inner.string("clientCertificate", required: true),
                   let key = inner.string("clientKey", required: true), let ca = inner.string("caCertificate", required: true) {
                    probes.append(.https(url: url, clientCertificate: cert, clientKey: key, caCertificate: ca))
                }
                reader.diagnostics += inner.diagnostics
                reader.diagnostics += inner.unknownKeys(allowed: ["url", "clientCertificate", "clientKey", "caCertificate"])
            }
            guard probes.count == 1 else {
                reader.diagnostics.append(.error("\(reader.what): a wait needs exactly one of tcp, https, command, nodeReady (found \(probes.count))", at: reader.here))
                return nil
            }
            return .wait(WaitAction(probe: probes[0], timeout: timeout, staticPod: reader.string("staticPod")))
        case .etcdMemberAdd:
            return .etcdMemberAdd(memberAction)
        case .etcdMemberRemove:
            return .etcdMemberRemove(memberAction)
        case .cordon: return .cordon(NodeAction(node: "{{host.name}}"))
        case .uncordon: return .uncordon(NodeAction(node: "{{host.name}}"))
        case .deleteNode: return .deleteNode(NodeAction(node: "{{host.name}}"))
        case .drain: return .drain(DrainAction(node: "{{host.name}}", settings: DrainSettings()))
        case .etcdSnapshot:
            return .etcdSnapshot(SnapshotAction(directory: "{{etcd.snapshotDir}}",
                                                name: reader.string("file") ?? "before-v{{kubernetes.version}}.db", retain: 5))
        case .backupFiles, .restoreFiles:
            guard let paths = reader.strings("paths", required: true),
                  let revision = reader.string("revision", required: true) else { return nil }
            let set = FileSetAction(paths: paths.map(\.0), revision: revision)
            return kind == .backupFiles ? .backupFiles(set) : .restoreFiles(set)
        case .uploadArtifact:
            guard let component = reader.choice("component", ArtifactComponent.self, required: true),
                  let path = reader.string("path", required: true) else { return nil }
            return .uploadArtifact(ArtifactAction(component: component.rawValue, version: nil, sha256: nil, path: path,
                                                  mode: reader.string("mode") ?? "0755"))
        case .preflight:
            guard let checks = reader.strings("checks", required: true) else { return nil }
            var parsed: [PreflightCheck] = []
            for (name, location) in checks {
                if let check = PreflightCheck(rawValue: name) { parsed.append(check) } else {
                    reader.diagnostics.append(.error("\(reader.what): unknown preflight check '\(name)'", at: location,
                                                     hint: NearestName.hint(for: name, in: PreflightCheck.allCases.map(\.rawValue))))
                }
            }
            return .preflight(PreflightAction(checks: parsed))
        }
    }

    private static var memberAction: EtcdMemberAction {
        EtcdMemberAction(member: "{{host.name}}", peerURL: "https://{{host.address}}:{{etcd.peerPort}}", via: nil)
    }

    static func isOctalMode(_ text: String) -> Bool {
        (3...4).contains(text.count) && text.allSatisfy { ("0"..."7").contains($0) }
    }
}
