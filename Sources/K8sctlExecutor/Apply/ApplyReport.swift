/// The outcome of an apply: per host counts, failures with enough to act on, and where it stopped.
public struct ApplyReport: Sendable, Hashable {
    public struct HostSummary: Sendable, Hashable {
        public var host: String
        public var ok = 0
        public var changed = 0
        public var skipped = 0
        public var failed = 0
        public init(host: String) { self.host = host }
    }

    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var step: String
        public var message: String
        public var description: String { "\(host) › \(step): \(message)" }
    }

    public var hosts: [String: HostSummary] = [:]
    public var failures: [Failure] = []
    /// Set when the rollout stopped before the last batch (threshold, critical host, interrupt).
    public var stoppedReason: String?
    /// Where it stopped (batch, hosts done and pending, who aborted), when it did.
    public var stop: RolloutStop?
    /// The revision recorded on the cluster, when one was.
    public var revision: Int?
    public var wallSeconds: Double = 0
    /// The run staged files only (`apply --files-only`): services were not started.
    public var filesOnly = false

    public init() {}

    public var succeeded: Bool { failures.isEmpty && stoppedReason == nil }
    public var changedCount: Int { hosts.values.reduce(0) { $0 + $1.changed } }
    public var okCount: Int { hosts.values.reduce(0) { $0 + $1.ok } }

    mutating func record(host: String, status: StepStatus) {
        var summary = hosts[host] ?? HostSummary(host: host)
        switch status {
        case .ok: summary.ok += 1
        case .changed: summary.changed += 1
        case .skipped: summary.skipped += 1
        case .failed: summary.failed += 1
        }
        hosts[host] = summary
    }
}
