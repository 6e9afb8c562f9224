extension StepAction {
    /// One line for the human plan: `render /etc/kubernetes/manifests/kube-apiserver.yaml (static-pod.yaml.mustache: kube-apiserver, 0600)`.
    public var summary: String {
        switch self {
        case .render(let a):
            "render \(a.path) (\(a.template)\(a.component.map { ": \($0)" } ?? ""), \(a.mode) \(a.owner))"
        case .pki(let a): "ensure certificates: \(a.sets.joined(separator: ", "))"
        case .unit(let a):
            "\(a.state == .stopped ? "stop" : a.state == .restarted ? "restart" : "start") \(a.name)"
                + (a.enabled ? " (enabled)" : " (disabled)") + (a.daemonReload ? " after daemon-reload" : "")
        case .command(let a):
            "run \(Self.display(a.argv))" + (a.creates.map { " unless \($0) exists" } ?? "")
                + (a.unless.map { " unless `\(Self.display($0))` succeeds" } ?? "")
        case .wait(let a):
            Self.waitSummary(a) + (a.staticPod.map { ", and for the new \($0) static pod when its manifest changed" } ?? "")
        case .etcdMemberAdd(let a): "etcd member add \(a.member) \(a.peerURL)" + (a.via.map { " via \($0)" } ?? "")
        case .etcdMemberRemove(let a): "etcd member remove \(a.member)" + (a.via.map { " via \($0)" } ?? "")
        case .cordon(let a): "cordon node \(a.node)"
        case .drain(let a): "drain node \(a.node) (timeout \(a.timeout), grace \(a.gracePeriod))"
        case .uncordon(let a): "uncordon node \(a.node)"
        case .deleteNode(let a): "delete node \(a.node) from the API"
        case .etcdSnapshot(let a): "etcd snapshot \(a.directory)/\(a.name) (keep \(a.retain))"
        case .backupFiles(let a): "save \(a.paths.count) paths as revision \(a.revision)"
        case .restoreFiles(let a): "restore \(a.paths.count) paths from revision \(a.revision)"
        case .uploadArtifact(let a):
            "upload \(a.component) \(a.version ?? "?") to \(a.path)" + (a.sha256.map { " (sha256 \($0.prefix(12))…)" } ?? " (no sha256 pin)")
        case .preflight(let a): "preflight: \(a.checks.map(\.rawValue).joined(separator: ", "))"
        }
    }

    static func waitSummary(_ a: WaitAction) -> String {
        switch a.probe {
        case .tcp(let address): "wait for tcp \(address) (≤ \(a.timeout))"
        case .https(let url, _, _, _): "wait for \(url) (≤ \(a.timeout))"
        case .command(let argv): "wait for `\(display(argv))` (≤ \(a.timeout))"
        case .nodeReady(let node): "wait for node \(node) Ready with a fresh heartbeat (≤ \(a.timeout))"
        }
    }

    /// An argv on one line: an embedded script shows as its line count, so the plan stays one line
    /// per step (the script itself is in `plan -o plan.json`).
    static func display(_ argv: [String]) -> String {
        argv.map { element in
            let lines = element.split(separator: "\n", omittingEmptySubsequences: true)
            return lines.count > 1 ? "<\(lines.count)-line script>" : element
        }.joined(separator: " ")
    }
}
