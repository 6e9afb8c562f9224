/// Where a rollout stopped before its last batch, recorded in the applied state so that the next
/// `apply` resumes after the hosts already done and people (and `k8sctl state pull -f json`) can see
/// who stopped it and what is left.
public struct RolloutStop: Sendable, Hashable, Codable {
    /// Why, in one line: `aborted by ops@ci-7 at 2025-05-01T10:00:00Z after upgrade: workers 2/4`.
    public var reason: String
    /// The last batch that started (1-based, counting the batches this run had work in), and how
    /// many those were.
    public var batchIndex: Int
    public var batchName: String
    public var batchCount: Int
    /// Hosts whose every planned step succeeded: fully on the new revision.
    public var hostsDone: [String]
    /// Planned hosts not done: untouched when the stop came between batches, possibly partly
    /// changed when `immediate` (or when a step failed on them).
    public var hostsPending: [String]
    /// Set for an abort request or an interrupt (nil when a failure policy stopped the rollout).
    public var abortedBy: String?
    public var abortedAt: String?
    /// True when the stop came inside a batch (a second Ctrl-C): hosts of that batch may be
    /// cordoned or half-changed; the next apply repairs them.
    public var immediate: Bool

    public init(reason: String, batchIndex: Int, batchName: String, batchCount: Int, hostsDone: [String],
                hostsPending: [String], abortedBy: String? = nil, abortedAt: String? = nil, immediate: Bool = false) {
        self.reason = reason
        self.batchIndex = batchIndex
        self.batchName = batchName
        self.batchCount = batchCount
        self.hostsDone = hostsDone
        self.hostsPending = hostsPending
        self.abortedBy = abortedBy
        self.abortedAt = abortedAt
        self.immediate = immediate
    }

    /// `batch 2 of 6 (upgrade: workers 1/4); done: cp1, w1; pending: w2, w3, w4`.
    public var summary: String {
        "batch \(batchIndex) of \(batchCount) (\(batchName)); done: \(list(hostsDone)); pending: \(list(hostsPending))"
    }

    private func list(_ hosts: [String]) -> String { hosts.isEmpty ? "none" : hosts.joined(separator: ", ") }
}
