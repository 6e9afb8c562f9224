import Foundation
import K8sctlModel

/// What the last apply left on the cluster, stored on every control-plane host so that a CI runner
/// with no local files can run the next apply, and `validate --previous` can read it
/// (`k8sctl state pull`).
public struct AppliedState: Sendable, Hashable, Codable {
    public static let currentSchemaVersion = 1
    public static let directory = "/var/lib/k8sctl"
    public static let statePath = "/var/lib/k8sctl/state.json"
    public static func revisionPath(_ revision: Int) -> String { "/var/lib/k8sctl/revisions/\(revision).yaml" }

    public var schemaVersion: Int
    public var cluster: String
    /// Increases by one with every apply that changed something.
    public var revision: Int
    public var appliedAt: String
    public var k8sctlVersion: String
    /// The inventory as applied, in the native format with every default written out.
    public var inventory: String
    /// Host → managed path → sha256 of what was written.
    public var files: [String: [String: String]]
    /// False when the apply stopped before every host was done (abort, failure threshold).
    public var completed: Bool
    /// Where a stopped apply stopped, e.g. `workers batch 2 of 4`.
    public var stoppedAt: String?
    /// When `completed` is false: the inventory of the last revision that completed, so the next
    /// apply plans the same change again (its steps are idempotent) instead of trusting a half-done one.
    public var baselineInventory: String?
    /// When `completed` is false: where the rollout stopped — abort, Ctrl-C, failure policy (absent
    /// in states written before it existed). Not to be confused with `stopped` (`k8sctl stop`).
    public var rolloutStop: RolloutStop?
    /// Set by `k8sctl stop` (before it stops anything) and cleared by a `k8sctl start` that finished:
    /// `apply` refuses a stopped cluster. Absent in states written before stop existed.
    public var stopped: ClusterStopRecord?
    /// Hosts removed while unreachable (`apply --remove-unreachable`): their services and data were
    /// never cleaned up; `k8sctl reset` does it if they come back. Carried from revision to revision.
    public var uncleanedHosts: [UncleanedHost]?

    /// True when the revision was written by `apply --files-only`: its files are on the hosts but
    /// its services were never started (`completed` is then false, so the next full apply runs the
    /// same plan and starts them). Absent in states written before the option existed.
    public var filesOnly: Bool?

    /// What this run did on each host (nil in states written before k8sctl recorded it).
    public var hosts: [String: HostRecord]?

    /// One host's part of a run: step counts and, when a step failed, which and why (first line).
    public struct HostRecord: Sendable, Hashable, Codable {
        public var ok: Int
        public var changed: Int
        public var skipped: Int
        public var failed: Int
        public var failedStep: String?
        public var failure: String?
        public init(ok: Int = 0, changed: Int = 0, skipped: Int = 0, failed: Int = 0, failedStep: String? = nil, failure: String? = nil) {
            (self.ok, self.changed, self.skipped, self.failed) = (ok, changed, skipped, failed)
            (self.failedStep, self.failure) = (failedStep, failure)
        }
    }

    public init(cluster: String, revision: Int, appliedAt: Date = Date(), k8sctlVersion: String, inventory: String,
                files: [String: [String: String]], completed: Bool, stoppedAt: String? = nil,
                baselineInventory: String? = nil, uncleanedHosts: [UncleanedHost]? = nil, rolloutStop: RolloutStop? = nil,
                hosts: [String: HostRecord]? = nil, filesOnly: Bool = false) {
        self.schemaVersion = AppliedState.currentSchemaVersion
        self.cluster = cluster
        self.revision = revision
        self.appliedAt = ISO8601DateFormatter().string(from: appliedAt)
        self.k8sctlVersion = k8sctlVersion
        self.inventory = inventory
        self.files = files
        self.completed = completed
        self.stoppedAt = stoppedAt
        self.baselineInventory = completed ? nil : baselineInventory
        self.uncleanedHosts = uncleanedHosts?.isEmpty == true ? nil : uncleanedHosts
        self.rolloutStop = completed ? nil : rolloutStop
        self.hosts = hosts
        self.filesOnly = filesOnly ? true : nil
    }

    /// The inventory the next apply should plan from: this one if the run completed, else the
    /// baseline (nil: nothing ever completed, plan an install).
    public var planningBaseline: String? { completed ? inventory : baselineInventory }

    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data()) + [UInt8(ascii: "\n")]
    }

    public static func decode(_ bytes: [UInt8]) -> AppliedState? {
        try? JSONDecoder().decode(AppliedState.self, from: Data(bytes))
    }
}
