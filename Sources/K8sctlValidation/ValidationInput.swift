import K8sctlModel

/// What a validation run looks at: the inventory about to be applied, optionally the one applied
/// last (for change rules) and what was observed on the hosts (for rules that count members down).
public struct ValidationInput: Sendable {
    /// The inventory that was applied last (`--previous`, `--previous-git`); nil for a new cluster
    /// or a standalone check, in which case change rules do not run.
    public var previous: Cluster?
    /// The inventory being validated.
    public var desired: Cluster
    /// Facts gathered from the hosts; nil when validating statically.
    public var observed: ObservedState?

    public init(previous: Cluster? = nil, desired: Cluster, observed: ObservedState? = nil) {
        self.previous = previous
        self.desired = desired
        self.observed = observed
    }
}
