import K8sctlModel
import K8sctlValidation

/// What `k8sctl plan` and `graph` ask for: inventories already loaded, playbooks and templates by
/// directory. `make()` runs validation (a plan of an inventory the rules refuse would mislead),
/// loads the playbooks (the only I/O) and runs the pure `Planner`.
public struct PlanRequest: Sendable {
    public var previous: Cluster?
    public var desired: Cluster
    public var observed: ObservedState?
    public var playbookDirectory: String
    /// When set, every `render` step's template must exist there.
    public var templateDirectory: String?
    /// The user asks to go back to the version applied before the last upgrade. Without it a
    /// version decrease is refused by validation (K8S-VERSION-002), as a downgrade should be.
    public var rollback: Bool
    /// A maintenance operation to plan instead of a change (`etcd-backup`, `stop`, `start`).
    public var maintenance: PlaybookOperation?

    public init(previous: Cluster? = nil, desired: Cluster, observed: ObservedState? = nil,
                playbookDirectory: String, templateDirectory: String? = nil, rollback: Bool = false,
                maintenance: PlaybookOperation? = nil) {
        self.previous = previous
        self.desired = desired
        self.observed = observed
        self.playbookDirectory = playbookDirectory
        self.templateDirectory = templateDirectory
        self.rollback = rollback
        self.maintenance = maintenance
    }

    /// The rule a rollback deliberately breaks: the version goes down.
    static let downgradeRule = "K8S-VERSION-002"

    /// The outcome: unusable playbooks (exit 2), a refused plan (exit 1), or a plan.
    public enum Outcome: Sendable {
        case unusablePlaybooks([Diagnostic])
        case refused([Diagnostic])
        case planned(Plan, warnings: [Diagnostic])
    }

    public func make() -> Outcome {
        let loaded = PlaybookLoader().load(directory: playbookDirectory, templateDirectory: templateDirectory)
        guard let playbooks = loaded.playbooks else { return .unusablePlaybooks(loaded.diagnostics) }
        var findings = Validator().validate(ValidationInput(previous: previous, desired: desired, observed: observed))
        if rollback {
            let goesDown = previous.map { desired.kubernetes.version < $0.kubernetes.version || desired.etcdVersion < $0.etcdVersion } ?? false
            guard goesDown else {
                return .refused([.error("--rollback needs --previous with a higher version than the inventory's", at: desired.location(of: "spec.kubernetes.version"),
                                        hint: "pass the inventory applied by the upgrade as --previous and the one before it as the inventory")])
            }
            findings.removeAll { $0.ruleID == Self.downgradeRule }
        }
        if findings.hasErrors { return .refused(loaded.diagnostics + findings) }
        let result = Planner().plan(PlanningInput(previous: previous, desired: desired, observed: observed, playbooks: playbooks,
                                                  maintenance: maintenance))
        guard let plan = result.plan else { return .refused(loaded.diagnostics + findings + result.diagnostics) }
        return .planned(plan, warnings: loaded.diagnostics + findings + result.diagnostics)
    }
}
