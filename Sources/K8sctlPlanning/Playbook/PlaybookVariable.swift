import K8sctlModel

/// The `{{variables}}` a playbook parameter may use. A fixed catalog, checked at load time, so a typo
/// is a positioned error rather than a literal `{{host.adress}}` on a node.
public enum PlaybookVariable: String, Sendable, Hashable, CaseIterable {
    case hostName = "host.name"
    /// The address cluster components use (internal address when set).
    case hostAddress = "host.address"
    case kubernetesVersion = "kubernetes.version"
    /// The version applied last; equals `kubernetes.version` when there is no previous inventory.
    case previousKubernetesVersion = "previous.kubernetes.version"
    case etcdVersion = "etcd.version"
    case etcdDataDir = "etcd.dataDir"
    case etcdSnapshotDir = "etcd.snapshotDir"
    case etcdClientPort = "etcd.clientPort"
    case etcdPeerPort = "etcd.peerPort"
    case apiServerPort = "apiserver.port"
    /// Address of the etcd member that stays and receives membership changes (empty for installs).
    case etcdEndpoint = "etcd.endpoint"
    /// `local-proxy` mode: where the proxy's configuration and static pod go (they depend on
    /// `controlPlane.endpoint.proxy`: haproxy or nginx).
    case proxyConfigPath = "proxy.configPath"
    case proxyManifestPath = "proxy.manifestPath"
    /// `key=value` per effective node label; only as a whole `argv` element, which it expands into several.
    case hostLabels = "host.labels"
    /// `key=value:Effect` per effective taint; only as a whole `argv` element.
    case hostTaints = "host.taints"

    /// Variables that stand for a list and may only fill whole `argv` elements.
    public var isList: Bool { self == .hostLabels || self == .hostTaints }

    /// Variables whose value differs from host to host; every other one is the same for all hosts
    /// planned against one cluster description.
    public var isHostSpecific: Bool { self == .hostName || self == .hostAddress || self == .hostLabels || self == .hostTaints }

    /// Every `{{name}}` in `text`, in order.
    static func references(in text: String) -> [String] {
        var names: [String] = []
        forEachReference(in: text) { _, name in names.append(name) }
        return names
    }

    /// Calls `body` with the text before each `{{name}}` and the trimmed name; scans UTF-8 bytes (the braces are ASCII, so they never occur inside a
    /// multi-byte character). Returns the text after the last reference.
    @discardableResult
    static func forEachReference(in text: String, _ body: (Substring, String) -> Void) -> Substring {
        let utf8 = text.utf8
        let brace = UInt8(ascii: "{"), closing = UInt8(ascii: "}")
        var rest = utf8.startIndex
        var cursor = rest
        var previousByte: UInt8 = 0
        var openEnd: String.Index?
        while cursor != utf8.endIndex {
            let byte = utf8[cursor]
            let next = utf8.index(after: cursor)
            if let start = openEnd {
                if byte == closing && previousByte == closing && utf8.index(before: cursor) >= start {
                    let nameEnd = utf8.index(before: cursor)
                    body(text[rest..<utf8.index(start, offsetBy: -2)], trimmedName(text[start..<nameEnd]))
                    rest = next
                    openEnd = nil
                    previousByte = 0
                    cursor = next
                    continue
                }
            } else if byte == brace && previousByte == brace {
                openEnd = next
                previousByte = 0
                cursor = next
                continue
            }
            previousByte = byte
            cursor = next
        }
        return text[rest...]
    }

    /// The name between braces without surrounding blanks (Foundation's `.whitespaces`, which
    /// only runs when the name starts or ends with something other than a printable ASCII byte).
    private static func trimmedName(_ name: Substring) -> String { trimmedOfBlanks(name) }

    /// `text` without surrounding `.whitespaces`; Foundation's trimming runs only when the text
    /// starts or ends with something other than a printable ASCII byte (it ran per host and argv element).
    static func trimmedOfBlanks(_ name: Substring) -> String {
        if let first = name.utf8.first, let last = name.utf8.last, first > 0x20, first < 0x7f, last > 0x20, last < 0x7f {
            return String(name)
        }
        return name.trimmingCharacters(in: .whitespaces)
    }
}

/// The values of every variable for one host of one plan.
///
/// Split in two because a plan fills them in for every host: the values shared by all hosts of one
/// cluster description are built once (`ClusterVariableValues`) and each host adds only its own.
public struct VariableValues: Sendable {
    let shared: ClusterVariableValues
    /// What the list variables are computed from, behind one reference: values are copied per step.
    let source: HostSource
    let hostName: String
    let hostAddress: String

    final class HostSource: Sendable {
        let cluster: Cluster
        let host: Host
        init(cluster: Cluster, host: Host) {
            self.cluster = cluster
            self.host = host
        }
    }

    public init(cluster: Cluster, previous: Cluster?, host: Host, etcdEndpoint: String = "") {
        self.init(shared: ClusterVariableValues(cluster: cluster, previous: previous, etcdEndpoint: etcdEndpoint),
                  cluster: cluster, host: host)
    }

    init(shared: ClusterVariableValues, cluster: Cluster, host: Host) {
        self.shared = shared
        source = HostSource(cluster: cluster, host: host)
        hostName = host.name
        hostAddress = host.clusterAddress.description
    }

    /// Computed when a parameter asks (few steps do; building them for every host was wasted work).
    var hostLabels: [String] { source.cluster.nodeLabels(for: source.host).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } }
    var hostTaints: [String] { source.cluster.nodeTaints(for: source.host).map(\.description).sorted() }

    /// Every scalar variable by name.
    public var scalars: [String: String] {
        shared.scalars.merging([PlaybookVariable.hostName.rawValue: hostName,
                                PlaybookVariable.hostAddress.rawValue: hostAddress]) { _, host in host }
    }

    /// Every list variable by name.
    public var lists: [String: [String]] {
        [PlaybookVariable.hostLabels.rawValue: hostLabels, PlaybookVariable.hostTaints.rawValue: hostTaints]
    }

    private func scalar(named name: String) -> String? {
        switch name {
        case PlaybookVariable.hostName.rawValue: hostName
        case PlaybookVariable.hostAddress.rawValue: hostAddress
        default: shared.scalars[name]
        }
    }

    private func list(named name: String) -> [String]? {
        switch name {
        case PlaybookVariable.hostLabels.rawValue: hostLabels
        case PlaybookVariable.hostTaints.rawValue: hostTaints
        default: nil
        }
    }

    /// `text` with every `{{name}}` replaced. Names were checked at load time.
    public func substitute(_ text: String) -> String {
        var result = ""
        var replaced = false
        let tail = PlaybookVariable.forEachReference(in: text) { before, name in
            replaced = true
            result += before
            result += scalar(named: name) ?? list(named: name)?.joined(separator: ",") ?? ""
        }
        return replaced ? result + tail : text
    }

    /// An argv with list variables spread over several elements.
    public func substitute(argv: [String]) -> [String] {
        argv.flatMap { element -> [String] in
            // Most elements hold no `{{` (plain words, or shell scripts with `{ …; }`): no reference,
            // nothing to scan or trim, per host.
            guard Self.mayReference(element) else { return [element] }
            let names = PlaybookVariable.references(in: element)
            if names.count == 1, PlaybookVariable.trimmedOfBlanks(element[...]) == "{{\(names[0])}}" || element == "{{ \(names[0]) }}",
               let list = list(named: names[0]) {
                return list
            }
            return [substitute(element)]
        }
    }
}

extension VariableValues {
    /// Whether `text` has a `{{` at all; without one, `forEachReference` finds nothing.
    static func mayReference(_ text: String) -> Bool {
        // Over the contiguous bytes when there are (native strings): run per host on every argv
        // element, e.g. whole shell scripts.
        if let found = text.utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
            guard bytes.count > 1 else { return false }
            for index in 1..<bytes.count where bytes[index] == UInt8(ascii: "{") && bytes[index - 1] == UInt8(ascii: "{") { return true }
            return false
        }) {
            return found
        }
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "{") && previous == byte { return true }
            previous = byte
        }
        return false
    }
}

/// The variables whose values are the same for every host planned against one cluster description.
struct ClusterVariableValues: Sendable {
    let scalars: [String: String]

    init(cluster: Cluster, previous: Cluster?, etcdEndpoint: String) {
        scalars = [
            PlaybookVariable.kubernetesVersion.rawValue: cluster.kubernetes.version.description,
            PlaybookVariable.previousKubernetesVersion.rawValue: (previous ?? cluster).kubernetes.version.description,
            PlaybookVariable.etcdVersion.rawValue: cluster.etcdVersion.description,
            PlaybookVariable.etcdDataDir.rawValue: cluster.etcd.dataDir,
            PlaybookVariable.etcdSnapshotDir.rawValue: cluster.etcd.snapshotDir,
            PlaybookVariable.etcdClientPort.rawValue: String(cluster.etcd.clientPort),
            PlaybookVariable.etcdPeerPort.rawValue: String(cluster.etcd.peerPort),
            PlaybookVariable.apiServerPort.rawValue: String(cluster.controlPlane.endpoint.apiServerPort),
            PlaybookVariable.etcdEndpoint.rawValue: etcdEndpoint,
            PlaybookVariable.proxyConfigPath.rawValue: cluster.controlPlane.endpoint.proxy == .nginx
                ? "/etc/nginx/nginx.conf" : "/etc/haproxy/haproxy.cfg",
            PlaybookVariable.proxyManifestPath.rawValue:
                "/etc/kubernetes/manifests/\(cluster.controlPlane.endpoint.proxy.rawValue)-apiserver-proxy.yaml",
        ]
    }
}

extension StepAction {
    /// Whether any parameter names a host-specific variable; if not, the substituted action is the
    /// same on every host of one cluster and the planner fills it in once.
    var usesHostVariables: Bool {
        textParameters.contains { text in
            PlaybookVariable.references(in: text).contains { PlaybookVariable(rawValue: $0)?.isHostSpecific ?? true }
        }
    }

    /// Every free-text parameter (paths, argv elements, URLs), for the load-time variable check.
    var textParameters: [String] {
        switch self {
        case .render(let a): [a.template, a.component ?? "", a.path, a.owner]
        case .pki(let a): a.sets
        case .unit(let a): [a.name]
        case .command(let a): a.argv + [a.creates ?? ""] + (a.unless ?? [])
        case .wait(let a):
            switch a.probe {
            case .tcp(let address): [address]
            case .https(let url, let cert, let key, let ca): [url, cert, key, ca]
            case .command(let argv): argv
            case .nodeReady(let node): [node]
            }
        case .etcdMemberAdd(let a), .etcdMemberRemove(let a): [a.member, a.peerURL, a.via ?? ""]
        case .cordon(let a), .uncordon(let a), .deleteNode(let a): [a.node]
        case .drain(let a): [a.node]
        case .etcdSnapshot(let a): [a.directory, a.name]
        case .backupFiles(let a), .restoreFiles(let a): a.paths + [a.revision]
        case .uploadArtifact(let a): [a.component, a.path]
        case .preflight: []
        }
    }

    /// Which `argv` parameters may hold list variables.
    var argvParameters: [String] {
        switch self {
        case .command(let a): a.argv + (a.unless ?? [])
        case .wait(let a): if case .command(let argv) = a.probe { argv } else { [] }
        default: []
        }
    }

    /// The action with every variable filled in for one host.
    func substituting(_ values: VariableValues) -> StepAction {
        let s = values.substitute as (String) -> String
        switch self {
        case .render(var a):
            a.path = s(a.path); a.component = a.component.map(s); a.owner = s(a.owner)
            return .render(a)
        case .pki: return self
        case .unit(var a): a.name = s(a.name); return .unit(a)
        case .command(var a):
            a.argv = values.substitute(argv: a.argv); a.creates = a.creates.map(s)
            a.unless = a.unless.map { values.substitute(argv: $0) }
            return .command(a)
        case .wait(var a):
            switch a.probe {
            case .tcp(let address): a.probe = .tcp(address: s(address))
            case .https(let url, let cert, let key, let ca): a.probe = .https(url: s(url), clientCertificate: s(cert), clientKey: s(key), caCertificate: s(ca))
            case .command(let argv): a.probe = .command(argv: values.substitute(argv: argv))
            case .nodeReady(let node): a.probe = .nodeReady(node: s(node))
            }
            return .wait(a)
        case .etcdMemberAdd(var a): a.member = s(a.member); a.peerURL = s(a.peerURL); return .etcdMemberAdd(a)
        case .etcdMemberRemove(var a): a.member = s(a.member); a.peerURL = s(a.peerURL); return .etcdMemberRemove(a)
        case .cordon(var a): a.node = s(a.node); return .cordon(a)
        case .uncordon(var a): a.node = s(a.node); return .uncordon(a)
        case .deleteNode(var a): a.node = s(a.node); return .deleteNode(a)
        case .drain(var a): a.node = s(a.node); return .drain(a)
        case .etcdSnapshot(var a): a.directory = s(a.directory); a.name = s(a.name); return .etcdSnapshot(a)
        case .backupFiles(var a): a.paths = a.paths.map(s); a.revision = s(a.revision); return .backupFiles(a)
        case .restoreFiles(var a): a.paths = a.paths.map(s); a.revision = s(a.revision); return .restoreFiles(a)
        case .uploadArtifact(var a): a.path = s(a.path); return .uploadArtifact(a)
        case .preflight: return self
        }
    }
}
