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
    /// True when the revision was written by `apply --files-only`: its files are on the hosts but
    /// its services were never started (`completed` is then false, so the next full apply runs the
    /// same plan and starts them). Absent in states written before the option existed.
    public var filesOnly: Bool?

    public init(cluster: String, revision: Int, appliedAt: Date = Date(), k8sctlVersion: String, inventory: String,
                files: [String: [String: String]], completed: Bool, stoppedAt: String? = nil,
                baselineInventory: String? = nil, filesOnly: Bool = false) {
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
