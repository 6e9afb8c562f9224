import Foundation

/// How changes roll across hosts: batch sizes, failure tolerance, draining.
public struct RolloutPolicy: Sendable, Hashable, Codable {
    public var controlPlane: ControlPlaneRollout
    public var workers: WorkerRollout
    public var drain: DrainSettings
    /// Names of hosts whose failure stops the rollout at once (`spec.rollout.criticalHosts`), in
    /// addition to hosts marked `critical: true`.
    public var criticalHosts: [String]

    public init(controlPlane: ControlPlaneRollout = ControlPlaneRollout(), workers: WorkerRollout = WorkerRollout(),
                drain: DrainSettings = DrainSettings(), criticalHosts: [String] = []) {
        self.controlPlane = controlPlane
        self.workers = workers
        self.drain = drain
        self.criticalHosts = criticalHosts
    }

    // `criticalHosts` came after the first release of the format: documents without it still decode.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        controlPlane = try container.decode(ControlPlaneRollout.self, forKey: .controlPlane)
        workers = try container.decode(WorkerRollout.self, forKey: .workers)
        drain = try container.decode(DrainSettings.self, forKey: .drain)
        criticalHosts = try container.decodeIfPresent([String].self, forKey: .criticalHosts) ?? []
    }
}

public struct ControlPlaneRollout: Sendable, Hashable, Codable {
    public var batchSize: Int
    public init(batchSize: Int = 1) { self.batchSize = batchSize }
}

public struct WorkerRollout: Sendable, Hashable, Codable {
    /// Workers per batch for changes to workers that run (upgrades, configuration changes, restarts).
    public var batchSize: BatchSize
    /// Workers per batch when they are added (a fresh install, a scale-up): no workload runs on them
    /// yet, so the batch only bounds how many hosts a bad configuration reaches before the failure
    /// policy stops the rollout. 100% by default, as Kubespray's cluster.yml runs every host at once.
    public var newHostBatchSize: BatchSize
    /// The rollout stops when more than this percentage of hosts so far have failed.
    public var maxFailurePercent: Int
    public var pauseBetweenBatches: TimeSpan
    public var confirmEachBatch: Bool

    public init(batchSize: BatchSize = .percent(20), newHostBatchSize: BatchSize = .percent(100), maxFailurePercent: Int = 10,
                pauseBetweenBatches: TimeSpan = .seconds(0), confirmEachBatch: Bool = false) {
        self.batchSize = batchSize
        self.newHostBatchSize = newHostBatchSize
        self.maxFailurePercent = maxFailurePercent
        self.pauseBetweenBatches = pauseBetweenBatches
        self.confirmEachBatch = confirmEachBatch
    }

    // `newHostBatchSize` came after the first release of the format: states and revisions written
    // before it still decode, with the default.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        batchSize = try container.decode(BatchSize.self, forKey: .batchSize)
        newHostBatchSize = try container.decodeIfPresent(BatchSize.self, forKey: .newHostBatchSize) ?? .percent(100)
        maxFailurePercent = try container.decode(Int.self, forKey: .maxFailurePercent)
        pauseBetweenBatches = try container.decode(TimeSpan.self, forKey: .pauseBetweenBatches)
        confirmEachBatch = try container.decode(Bool.self, forKey: .confirmEachBatch)
    }
}

/// A batch size written as a count (`5`) or a share of the pool (`20%`).
public enum BatchSize: Sendable, Hashable, CustomStringConvertible {
    case count(Int)
    case percent(Int)

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let value = Int(trimmed.dropLast()) else { return nil }
            self = .percent(value)
        } else {
            guard let value = Int(trimmed) else { return nil }
            self = .count(value)
        }
    }

    /// Hosts per batch for a pool of `total` hosts: at least 1 when the pool is not empty.
    public func hosts(outOf total: Int) -> Int {
        switch self {
        case .count(let value): return max(0, min(value, total))
        case .percent(let value):
            guard total > 0 else { return 0 }
            return max(1, min(total, (total * value) / 100))
        }
    }

    public var description: String {
        switch self {
        case .count(let value): "\(value)"
        case .percent(let value): "\(value)%"
        }
    }
}

extension BatchSize: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) { self = .count(number); return }
        let text = try container.decode(String.self)
        guard let parsed = BatchSize(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a batch size: \(text)"))
        }
        self = parsed
    }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// `kubectl drain` settings used before intrusive changes and scale-down.
public struct DrainSettings: Sendable, Hashable, Codable {
    public var timeout: TimeSpan
    public var gracePeriod: TimeSpan
    public var ignoreDaemonSets: Bool
    public var deleteEmptyDirData: Bool
    public init(timeout: TimeSpan = TimeSpan(milliseconds: 300_000), gracePeriod: TimeSpan = .seconds(60),
                ignoreDaemonSets: Bool = true, deleteEmptyDirData: Bool = true) {
        self.timeout = timeout
        self.gracePeriod = gracePeriod
        self.ignoreDaemonSets = ignoreDaemonSets
        self.deleteEmptyDirData = deleteEmptyDirData
    }
}
