import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlPlanning
import K8sctlTestSupport
import Testing

/// Inventories, the shipped playbooks and small cluster edits shared by the planning tests.
enum PlanningFixtures {
    static func cluster(_ name: String) throws -> Cluster {
        let result = InventoryLoader().load(path: RepositoryPaths.inventories.appendingPathComponent(name).path)
        return try #require(result.cluster, "\(name): \(result.diagnostics)")
    }

    static let shippedPlaybooks: PlaybookSet = {
        let result = PlaybookLoader().load(directory: RepositoryPaths.playbooks.path)
        guard let set = result.playbooks else { fatalError("shipped playbooks do not load: \(result.diagnostics)") }
        return set
    }()

    static func plan(previous: Cluster? = nil, desired: Cluster, observed: ObservedState? = nil,
                     maintenance: PlaybookOperation? = nil) throws -> Plan {
        let result = Planner().plan(PlanningInput(previous: previous, desired: desired, observed: observed, playbooks: shippedPlaybooks,
                                                  maintenance: maintenance))
        return try #require(result.plan, "no plan: \(result.diagnostics.map(\.message))")
    }

    static func without(_ names: Set<String>, in cluster: Cluster) -> Cluster {
        var copy = cluster
        copy.hosts.removeAll { names.contains($0.name) }
        return copy
    }

    static func withVersion(_ version: String, _ cluster: Cluster) -> Cluster {
        var copy = cluster
        copy.kubernetes.version = SemanticVersion(version)!
        return copy
    }

    /// ha-3 with ten workers, w3 critical, workers rolled 20% at a time.
    static func haWithTenWorkers(version: String) throws -> Cluster {
        var cluster = try PlanningFixtures.cluster("ha-3.yaml")
        cluster.kubernetes.version = SemanticVersion(version)!
        cluster.hosts.removeAll { $0.isWorker }
        for index in 1...10 {
            cluster.hosts.append(K8sctlModel.Host(name: "w\(index)", address: IPAddress("10.0.0.\(20 + index)")!, roles: [.worker],
                                      critical: index == 3, path: "spec.hosts[\(2 + index)]"))
        }
        cluster.rollout.workers.batchSize = .percent(20)
        cluster.rollout.workers.pauseBetweenBatches = .seconds(0)
        return cluster
    }

    /// A temporary directory holding `files` (name → text); removed by the caller.
    static func directory(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-planning-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
        return url
    }
}
