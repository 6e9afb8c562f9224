import K8sctlModel

/// What `k8sctl rollback` adds to an apply of the target revision's inventory: where the hosts are
/// now, and the revision the rollback was assessed against (another apply in between refuses it).
public struct RollbackDirective: Sendable {
    /// The inventory the hosts run now (the current revision's, also when it stopped partway).
    public var from: Cluster
    /// The applied revision the assessment read.
    public var expectedRevision: Int
    public var targetRevision: Int
    /// Hosts the current revision never reached (it stopped first): already on the target.
    public var untouchedHosts: Set<String>

    public init(from: Cluster, expectedRevision: Int, targetRevision: Int, untouchedHosts: Set<String> = []) {
        self.from = from
        self.expectedRevision = expectedRevision
        self.targetRevision = targetRevision
        self.untouchedHosts = untouchedHosts
    }

    /// - Throws: `ExecutorError.refused` when the cluster moved on since the assessment.
    func check(applied: AppliedState?) throws {
        guard let applied, applied.revision == expectedRevision else {
            throw ExecutorError.refused(reason: "the cluster changed since the rollback was assessed (revision \(expectedRevision) then, "
                + "\(applied.map { "\($0.revision)" } ?? "none") now); nothing was changed; run rollback again")
        }
    }
}
