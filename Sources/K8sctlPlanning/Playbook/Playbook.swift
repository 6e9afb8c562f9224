import K8sctlModel

/// The lifecycle operations k8sctl plans, one playbook file each (`playbooks/<operation>.yaml`).
public enum PlaybookOperation: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case install
    case scaleUp = "scale-up"
    case scaleDown = "scale-down"
    case upgrade
    case rollback
    case configChange = "config-change"
    /// Maintenance: an etcd snapshot now (no inventory change).
    case etcdBackup = "etcd-backup"
    /// Maintenance: stop every service, workers first, etcd last (no inventory change).
    case stop
    /// Maintenance: start every service, etcd first, workers last (no inventory change).
    case start

    /// Operations asked for explicitly (`plan --operation`) rather than derived from a change.
    public static let maintenance: [PlaybookOperation] = [.etcdBackup, .stop, .start]

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One operation's steps as data: which hosts each step runs on, what it needs first, what it does.
public struct Playbook: Sendable, Hashable {
    public var operation: PlaybookOperation
    public var summary: String
    /// Steps in file order; the order breaks ties, `needs` decides.
    public var steps: [PlaybookStep]
    /// Where it was loaded from.
    public var file: String

    public init(operation: PlaybookOperation, summary: String = "", steps: [PlaybookStep], file: String = "<memory>") {
        self.operation = operation
        self.summary = summary
        self.steps = steps
        self.file = file
    }

    public func step(named name: String) -> PlaybookStep? { steps.first { $0.name == name } }
}

/// A step of a playbook, before it is expanded for concrete hosts.
public struct PlaybookStep: Sendable, Hashable {
    public var name: String
    /// Which hosts run it.
    public var on: RoleSelector
    /// Run on the first selected host only (an etcd snapshot, a cluster-wide addon).
    public var once: Bool
    /// Include the step only when all of these hold for the host (change aspects, endpoint mode).
    public var when: [StepCondition]
    public var needs: [StepNeed]
    /// Parameters may hold `{{variables}}` (see `PlaybookVariable`), filled in per host.
    public var action: StepAction
    /// Position of the step in its playbook.
    public var location: SourceLocation

    public init(name: String, on: RoleSelector, once: Bool = false, when: [StepCondition] = [],
                needs: [StepNeed] = [], action: StepAction,
                location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.name = name
        self.on = on
        self.once = once
        self.when = when
        self.needs = needs
        self.action = action
        self.location = location
    }
}

/// The hosts a step runs on.
public enum RoleSelector: String, Sendable, Hashable, Codable, CaseIterable {
    case all
    case controlPlane = "control-plane"
    case etcd
    case worker
    /// Every host that runs a kubelet (control plane and workers, not dedicated etcd).
    case kubelet

    public func matches(_ host: Host) -> Bool {
        switch self {
        case .all: true
        case .controlPlane: host.isControlPlane
        case .etcd: host.isEtcd
        case .worker: host.isWorker
        case .kubelet: host.runsKubelet
        }
    }

    /// Whether every host this selector matches is also matched by `other`, for any inventory.
    /// A same-host `needs` edge is only sound when the needed step runs wherever the needing one does.
    public func isCovered(by other: RoleSelector) -> Bool {
        if self == other || other == .all { return true }
        switch (self, other) {
        case (.controlPlane, .kubelet), (.worker, .kubelet): return true
        default: return false
        }
    }
}

/// A `needs:` entry: a step of the same playbook and which of its instances.
public struct StepNeed: Sendable, Hashable, CustomStringConvertible {
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        /// The instance on the same host (`etcd-unit`).
        case sameHost = ""
        /// Every instance on every host of the operation (`etcd-healthy@all`).
        case all
        /// The instance on the host before this one in rollout order (`etcd-healthy@previous`):
        /// chains hosts one at a time.
        case previous
        /// The first instance (`etcd-snapshot@first`), e.g. a `once` step.
        case first
        /// The instance on the same host when the step runs there (`drain@local`): for steps whose
        /// roles differ, e.g. an etcd member removal that waits for the drain only on stacked hosts.
        case local
    }
    public var step: String
    public var scope: Scope
    public var location: SourceLocation

    public init(step: String, scope: Scope, location: SourceLocation = SourceLocation(file: "<memory>", line: 1, column: 1)) {
        self.step = step
        self.scope = scope
        self.location = location
    }

    public var description: String { scope == .sameHost ? step : "\(step)@\(scope.rawValue)" }
}

/// What a `when:` may test: a change aspect of the configuration (see `ChangeClassification`),
/// whether the host's change is intrusive, or how clients reach the API servers.
public enum StepCondition: String, Sendable, Hashable, Codable, CaseIterable {
    case intrusive
    /// The control-plane hosts changed, so every local API proxy needs the new backend list.
    case localProxyBackends = "local-proxy-backends"
    /// The etcd members changed, so every API server needs the new `--etcd-servers`.
    case etcdServers = "etcd-servers"
    /// `controlPlane.endpoint.mode` is `local-proxy` and the host is not a control-plane host (those
    /// reach their own API server); a fact of the cluster, not a change.
    case endpointLocalProxy = "endpoint-local-proxy"
    /// `controlPlane.endpoint.mode` is `vip`.
    case endpointVIP = "endpoint-vip"
    case apiserverFlags = "apiserver-flags"
    case controllerManagerFlags = "controller-manager-flags"
    case schedulerFlags = "scheduler-flags"
    case kubeletConfig = "kubelet-config"
    case etcdFlags = "etcd-flags"
    case apiEndpoint = "api-endpoint"
    case nodeMetadata = "node-metadata"
}
