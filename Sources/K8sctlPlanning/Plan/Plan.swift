import K8sctlModel

/// Everything `apply` will do, in order: what happens to each host, the rollout batches, and the
/// concrete steps with their dependencies. Printed by `plan`, saved by `plan -o plan.json`, drawn
/// by `graph`, executed by `apply`. Building the same inputs twice gives an identical value.
public struct Plan: Sendable, Hashable, Codable {
    /// Version of the JSON layout (docs/planning.md, "Plan JSON"); bumped on incompatible changes.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var cluster: String
    public var kubernetesVersion: SemanticVersion
    /// The version applied last, nil for a new cluster.
    public var previousKubernetesVersion: SemanticVersion?
    /// One entry per host of the desired or previous inventory, in inventory order (removed hosts last).
    public var hosts: [HostPlan]
    /// Rollout batches in the order they run; a batch starts when the one before has finished.
    public var batches: [RolloutBatch]
    /// Every step in an order that respects `needs` (batch by batch).
    public var steps: [PlanStep]

    public init(cluster: String, kubernetesVersion: SemanticVersion, previousKubernetesVersion: SemanticVersion?,
                hosts: [HostPlan], batches: [RolloutBatch], steps: [PlanStep]) {
        self.schemaVersion = Plan.currentSchemaVersion
        self.cluster = cluster
        self.kubernetesVersion = kubernetesVersion
        self.previousKubernetesVersion = previousKubernetesVersion
        self.hosts = hosts
        self.batches = batches
        self.steps = steps
    }

    /// Whether nothing would change on any host.
    public var isEmpty: Bool { steps.isEmpty }

    public func steps(onHost host: String) -> [PlanStep] { steps.filter { $0.host == host } }
}

/// What happens to one host and why.
public struct HostPlan: Sendable, Hashable, Codable {
    public var host: String
    public var roles: [Role]
    public var operation: HostOperation
    /// Change aspects that apply (config-change only), e.g. `kubelet-config`.
    public var aspects: [StepCondition]
    /// True when the change restarts kubelet or the runtime, so the host is drained first.
    public var intrusive: Bool
    /// One line per reason, e.g. `controlPlane.extraArgs.apiserver changed`.
    public var reasons: [String]
    public var critical: Bool

    public init(host: String, roles: [Role], operation: HostOperation, aspects: [StepCondition] = [],
                intrusive: Bool = false, reasons: [String] = [], critical: Bool = false) {
        self.host = host
        self.roles = roles
        self.operation = operation
        self.aspects = aspects
        self.intrusive = intrusive
        self.reasons = reasons
        self.critical = critical
    }
}

/// The operation a host takes part in.
public enum HostOperation: String, Sendable, Hashable, Codable, CaseIterable {
    case install
    case scaleUp = "scale-up"
    case scaleDown = "scale-down"
    case upgrade
    case rollback
    case configChange = "config-change"
    case etcdBackup = "etcd-backup"
    case stop
    case start
    case noOp = "no-op"

    /// The playbook that carries it out (nil for no-op).
    public var playbook: PlaybookOperation? {
        switch self {
        case .install: .install
        case .scaleUp: .scaleUp
        case .scaleDown: .scaleDown
        case .upgrade: .upgrade
        case .rollback: .rollback
        case .configChange: .configChange
        case .etcdBackup: .etcdBackup
        case .stop: .stop
        case .start: .start
        case .noOp: nil
        }
    }
}

/// Hosts that change together. The executor runs a batch's steps as their `needs` allow, then
/// checks the failure budget before the next batch.
public struct RolloutBatch: Sendable, Hashable, Codable {
    /// 1-based position in the rollout.
    public var index: Int
    /// `upgrade: control plane 2/3`, `install: workers 1/5`.
    public var name: String
    public var operation: PlaybookOperation
    public var hosts: [String]
    /// The rollout stops when more than this share of the batch's hosts failed (0: any failure).
    public var maxFailurePercent: Int
    /// Hosts whose failure stops the rollout at once, whatever the percentage.
    public var criticalHosts: [String]
    /// Wait this long after the batch before the next one.
    public var pauseAfter: TimeSpan?
    /// Ask for confirmation after the batch before the next one.
    public var confirmAfter: Bool
    /// The setting that sized a worker batch (`batchSize 20%`, `newHostBatchSize 100% (new hosts)`).
    public var sizeRule: String?

    public init(index: Int, name: String, operation: PlaybookOperation, hosts: [String], maxFailurePercent: Int,
                criticalHosts: [String] = [], pauseAfter: TimeSpan? = nil, confirmAfter: Bool = false, sizeRule: String? = nil) {
        self.sizeRule = sizeRule
        self.index = index
        self.name = name
        self.operation = operation
        self.hosts = hosts
        self.maxFailurePercent = maxFailurePercent
        self.criticalHosts = criticalHosts
        self.pauseAfter = pauseAfter
        self.confirmAfter = confirmAfter
    }
}

/// One concrete unit of work on one host.
public struct PlanStep: Sendable, Hashable, Codable {
    /// `operation/host/step`, unique in the plan.
    public var id: String
    public var host: String
    public var operation: PlaybookOperation
    /// The playbook step it comes from.
    public var step: String
    /// The batch (its `index`) it runs in.
    public var batch: Int
    public var action: StepAction
    /// IDs of steps that must have succeeded first; each is earlier in `Plan.steps`.
    public var needs: [String]

    public init(id: String, host: String, operation: PlaybookOperation, step: String, batch: Int, action: StepAction, needs: [String]) {
        self.id = id
        self.host = host
        self.operation = operation
        self.step = step
        self.batch = batch
        self.action = action
        self.needs = needs
    }

    static func makeID(_ operation: PlaybookOperation, _ host: String, _ step: String) -> String {
        "\(operation.rawValue)/\(host)/\(step)"
    }
}
