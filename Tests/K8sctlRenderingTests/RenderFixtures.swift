import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlPKI
import K8sctlRendering
import K8sctlTestSupport

/// The repository's templates, loaded once; credentials from the real PKI module (ECDSA P-256 so
/// a test cluster's certificates take milliseconds); rendered trees written where tools can read them.
enum RenderFixtures {
    static let library: TemplateLibrary = {
        do { return try TemplateLibrary(directory: RepositoryPaths.templates.path) }
        catch { fatalError("templates/ does not load: \(error)") }
    }()

    /// Issues the cluster's PKI into a fresh store and returns every host's credentials.
    static func credentials(for cluster: Cluster) throws -> [String: HostCredentials] {
        var cluster = cluster
        cluster.pki.keyAlgorithm = .ecdsaP256
        let store = PKIStore(root: try temporaryDirectory("pki"))
        defer { try? FileManager.default.removeItem(at: store.root) }
        let (state, _) = try ClusterPKI.ensure(cluster: cluster, store: store)
        var result: [String: HostCredentials] = [:]
        for host in cluster.hosts { result[host.name] = state.credentials(for: host) }
        return result
    }

    static func render(_ cluster: Cluster, options: RenderOptions = RenderOptions(),
                       credentials: [String: HostCredentials]? = nil) throws -> [RenderedHost] {
        try ClusterRenderer(library: library).render(cluster: cluster, credentials: credentials ?? self.credentials(for: cluster),
                                                     options: options)
    }

    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The sample inventories in inventories/ small enough for per-file tool runs.
    static func sampleInventories() throws -> [(String, Cluster)] {
        try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.inventories.path)
            .filter { $0.hasSuffix(".yaml") && !$0.contains("1000") }.sorted()
            .map { name in
                let result = InventoryLoader().load(path: RepositoryPaths.inventories.appendingPathComponent(name).path)
                guard let cluster = result.cluster else { throw FixtureError(message: "\(name): \(result.diagnostics)") }
                return (name, cluster)
            }
    }

    /// Test clusters built in code plus the sample inventories.
    static func everyCluster() throws -> [(String, Cluster)] { TestClusters.all + (try sampleInventories()) }

    struct FixtureError: Error, CustomStringConvertible { let message: String; var description: String { message } }
}

extension RenderedHost {
    func text(_ path: String) -> String? { file(at: path)?.text }
}
