import K8sctlModel

/// The fixed vocabulary of what a step does. Each case carries typed parameters; playbooks pick one
/// by name (`action: render`) and the executor implements each case once. Not a scripting language:
/// a new kind of work is a new case here, with its parameters checked at load time.
///
/// `indirect`: each payload lives in one shared box, so a `PlanStep` stays small (the largest
/// payload is five strings, and a plan of 5,000 hosts holds ~95,000 steps in two arrays while it
/// is ordered), and copying an action to the thousands of hosts that share it retains one box
/// instead of every string in it.
public indirect enum StepAction: Sendable, Hashable {
    case render(RenderAction)
    case pki(PKIAction)
    case unit(UnitAction)
    case command(CommandAction)
    case wait(WaitAction)
    case etcdMemberAdd(EtcdMemberAction)
    case etcdMemberRemove(EtcdMemberAction)
    case cordon(NodeAction)
    case drain(DrainAction)
    case uncordon(NodeAction)
    /// Delete the Node object (scale-down, after the kubelet stopped so it cannot re-register).
    case deleteNode(NodeAction)
    case etcdSnapshot(SnapshotAction)
    case backupFiles(FileSetAction)
    case restoreFiles(FileSetAction)
    case uploadArtifact(ArtifactAction)
    case preflight(PreflightAction)

    /// The name playbooks use (`etcd-member-add`).
    public var kind: ActionKind {
        switch self {
        case .render: .render
        case .pki: .pki
        case .unit: .unit
        case .command: .command
        case .wait: .wait
        case .etcdMemberAdd: .etcdMemberAdd
        case .etcdMemberRemove: .etcdMemberRemove
        case .cordon: .cordon
        case .drain: .drain
        case .uncordon: .uncordon
        case .deleteNode: .deleteNode
        case .etcdSnapshot: .etcdSnapshot
        case .backupFiles: .backupFiles
        case .restoreFiles: .restoreFiles
        case .uploadArtifact: .uploadArtifact
        case .preflight: .preflight
        }
    }
}

/// Action names as written in playbooks.
public enum ActionKind: String, Sendable, Hashable, Codable, CaseIterable {
    case render, pki, unit, command, wait
    case etcdMemberAdd = "etcd-member-add"
    case etcdMemberRemove = "etcd-member-remove"
    case cordon, drain, uncordon
    case deleteNode = "delete-node"
    case etcdSnapshot = "etcd-snapshot"
    case backupFiles = "backup-files"
    case restoreFiles = "restore-files"
    case uploadArtifact = "upload-artifact"
    case preflight

    /// Whether the action changes what runs on the node (used for the plan's created/changed counts).
    public var changesHost: Bool {
        switch self {
        case .wait, .preflight: false
        default: true
        }
    }
}

/// Render a template from `templates/` to a file on the node.
public struct RenderAction: Sendable, Hashable, Codable {
    /// Template file name in the templates directory (`static-pod.yaml.mustache`).
    public var template: String
    /// What the template is rendered for when one template serves several files (`kube-apiserver`).
    public var component: String?
    public var path: String
    /// Octal permission bits as text (`0644`), kept as written so plans read like `ls -l`.
    public var mode: String
    public var owner: String
    public init(template: String, component: String? = nil, path: String, mode: String = "0644", owner: String = "root") {
        self.template = template
        self.component = component
        self.path = path
        self.mode = mode
        self.owner = owner
    }
}

/// Ensure a set of certificates and keys (reused when valid, issued otherwise).
public struct PKIAction: Sendable, Hashable, Codable {
    /// Named sets from the PKI catalog: `cluster-cas`, `etcd`, `control-plane`, `kubelet`, `kubeconfigs`.
    public var sets: [String]
    public init(sets: [String]) { self.sets = sets }
}

/// Ensure a systemd unit is in a state.
public struct UnitAction: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable { case started, restarted, stopped }
    public var name: String
    public var daemonReload: Bool
    public var enabled: Bool
    public var state: State
    public init(name: String, daemonReload: Bool = true, enabled: Bool = true, state: State = .started) {
        self.name = name
        self.daemonReload = daemonReload
        self.enabled = enabled
        self.state = state
    }
}

/// Run a program. Always guarded so a second apply does nothing: skipped when `creates` exists or
/// when `unless` exits 0.
public struct CommandAction: Sendable, Hashable, Codable {
    public var argv: [String]
    public var creates: String?
    public var unless: [String]?
    /// Declared idempotent by itself (`kubectl label --overwrite`), so it runs without a guard.
    public var idempotent: Bool
    public init(argv: [String], creates: String? = nil, unless: [String]? = nil, idempotent: Bool = false) {
        self.argv = argv
        self.creates = creates
        self.unless = unless
        self.idempotent = idempotent
    }
}

/// Wait until something answers, up to `timeout`.
public struct WaitAction: Sendable, Hashable, Codable {
    public enum Probe: Sendable, Hashable, Codable {
        /// `host:port` accepting a TCP connection.
        case tcp(address: String)
        /// HTTPS GET expecting 200, authenticating with a client certificate from the node's PKI.
        case https(url: String, clientCertificate: String, clientKey: String, caCertificate: String)
        case command(argv: [String])
        /// The Node's `Ready` condition is `True` with a heartbeat posted since the host's kubelet
        /// (re)started, read through the Kubernetes API (`k8sctl start`).
        case nodeReady(node: String)
    }
    public var probe: Probe
    public var timeout: TimeSpan
    /// A static pod (manifest `/etc/kubernetes/manifests/<name>.yaml`) whose replacement the wait must
    /// see: when this run changed the manifest, the probe alone may be answered by the old process
    /// still running, so the wait also needs the kubelet's mirror pod with a new
    /// `kubernetes.io/config.hash` and `Ready` (what `kubeadm upgrade` waits for).
    public var staticPod: String?
    public init(probe: Probe, timeout: TimeSpan, staticPod: String? = nil) {
        self.probe = probe
        self.timeout = timeout
        self.staticPod = staticPod
    }
}

/// `etcdctl member add/remove`, run through `via` (a member that stays).
public struct EtcdMemberAction: Sendable, Hashable, Codable {
    public var member: String
    public var peerURL: String
    /// The host whose etcd endpoint receives the request: a member that is not being changed.
    public var via: String?
    public init(member: String, peerURL: String, via: String?) {
        self.member = member
        self.peerURL = peerURL
        self.via = via
    }
}

/// cordon / uncordon / delete of a Kubernetes node.
public struct NodeAction: Sendable, Hashable, Codable {
    public var node: String
    public init(node: String) { self.node = node }
}

/// `kubectl drain` with the inventory's drain settings.
public struct DrainAction: Sendable, Hashable, Codable {
    public var node: String
    public var timeout: TimeSpan
    public var gracePeriod: TimeSpan
    public var ignoreDaemonSets: Bool
    public var deleteEmptyDirData: Bool
    public init(node: String, settings: DrainSettings) {
        self.node = node
        self.timeout = settings.timeout
        self.gracePeriod = settings.gracePeriod
        self.ignoreDaemonSets = settings.ignoreDaemonSets
        self.deleteEmptyDirData = settings.deleteEmptyDirData
    }
}

/// `etcdctl snapshot save` into `directory`, keeping `retain` snapshots.
public struct SnapshotAction: Sendable, Hashable, Codable {
    public var directory: String
    public var name: String
    public var retain: Int
    public init(directory: String, name: String, retain: Int) {
        self.directory = directory
        self.name = name
        self.retain = retain
    }
}

/// Copy `paths` into (backup) or back from (restore) the revision directory `revision`.
public struct FileSetAction: Sendable, Hashable, Codable {
    public var paths: [String]
    public var revision: String
    public init(paths: [String], revision: String) {
        self.paths = paths
        self.revision = revision
    }
}

/// Upload a pinned binary; the executor refuses it when its sha256 differs from `sha256`.
public struct ArtifactAction: Sendable, Hashable, Codable {
    public var component: String
    public var version: String?
    public var sha256: String?
    public var path: String
    public var mode: String
    public init(component: String, version: String?, sha256: String?, path: String, mode: String = "0755") {
        self.component = component
        self.version = version
        self.sha256 = sha256
        self.path = path
        self.mode = mode
    }
}

/// Checks before anything changes on the host.
public struct PreflightAction: Sendable, Hashable, Codable {
    public var checks: [PreflightCheck]
    public init(checks: [PreflightCheck]) { self.checks = checks }
}

/// The preflight checks the executor knows.
public enum PreflightCheck: String, Sendable, Hashable, Codable, CaseIterable {
    case swapOff = "swap-off"
    case systemd
    case portsFree = "ports-free"
    case timeSynchronized = "time-synchronized"
    case diskSpace = "disk-space"
    case kernelModules = "kernel-modules"
}
