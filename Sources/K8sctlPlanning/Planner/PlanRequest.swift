import K8sctlModel

/// What `k8sctl plan` and `graph` ask for: inventories already loaded, playbooks and templates by
/// directory. `make()` loads the playbooks (the only I/O) and runs the pure `Planner`.
public struct PlanRequest: Sendable {
    public var previous: Cluster?
    public var desired: Cluster
    public var observed: ObservedState?
    public var playbookDirectory: String
    /// When set, every `render` step's template must exist there.
    public var templateDirectory: String?

    public init(previous: Cluster? = nil, desired: Cluster, observed: ObservedState? = nil,
                playbookDirectory: String, templateDirectory: String? = nil) {
        self.previous = previous
        self.desired = desired
        self.observed = observed
        self.playbookDirectory = playbookDirectory
        self.templateDirectory = templateDirectory
    }

    /// The outcome: unusable playbooks (exit 2), a refused plan (exit 1), or a plan.
    public enum Outcome: Sendable {
        case unusablePlaybooks([Diagnostic])
        case refused([Diagnostic])
        case planned(Plan, warnings: [Diagnostic])
    }

    public func make() -> Outcome {
        let loaded = PlaybookLoader().load(directory: playbookDirectory, templateDirectory: templateDirectory)
        guard let playbooks = loaded.playbooks else { return .unusablePlaybooks(loaded.diagnostics) }
        let result = Planner().plan(PlanningInput(previous: previous, desired: desired, observed: observed, playbooks: playbooks))
        guard let plan = result.plan else { return .refused(loaded.diagnostics + result.diagnostics) }
        return .planned(plan, warnings: loaded.diagnostics + result.diagnostics)
    }
}
