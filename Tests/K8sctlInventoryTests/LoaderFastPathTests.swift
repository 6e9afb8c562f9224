import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlTestSupport
import Testing

/// The loader's scale work: ASCII files take byte scans instead of Character scans, and mapping
/// keys are compared as text. Both paths must find the same problems at the same positions.
@Suite("Inventory loader fast paths")
struct LoaderFastPathTests {
    static func nestingError(_ text: String, maxDepth: Int) -> K8sctlModel.SourceLocation? {
        var limits = YAMLDocument.Limits()
        limits.maxDepth = maxDepth
        let (_, diagnostics) = YAMLDocument.parse(data: Data(text.utf8), file: "t.yaml", limits: limits)
        return diagnostics.first { $0.message.hasPrefix("nesting deeper") }?.location
    }

    /// A trailing non-ASCII comment sends the same text through the Character scan; it holds no
    /// bracket, so the first position past the limit is the same on both paths.
    @Test func nestingGuard_findsTheSamePosition_onASCIIAndUnicodePaths() {
        var rng = SeededGenerator(state: 21)
        let pieces = ["[", "{", "]", "}", "\"", "'", "#", "\n", "a", " ", ": ", ", ", "- "]
        var exceeded = 0
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 1...40, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let ascii = Self.nestingError(text, maxDepth: 3)
            #expect(ascii == Self.nestingError(text + "\n# é\n", maxDepth: 3), "\(text.debugDescription)")
            if ascii != nil { exceeded += 1 }
        }
        #expect(exceeded > 50)
    }

    @Test func nestingGuard_fixturePosition_isTheSameWithANonASCIIComment() throws {
        let url = RepositoryPaths.fixtures.appendingPathComponent("malformed/deep-nesting.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let location = try #require(Self.nestingError(text, maxDepth: 200))
        #expect(location.line == 1 && location.column == 204)
        #expect(Self.nestingError(text + "\n# café\n", maxDepth: 200) == location)
    }

    /// Keys are compared as text (no implicit tags): a quoted and a plain key with the same text
    /// are one key written twice. Before, the second was silently ignored.
    @Test func plainAndQuotedKeys_withTheSameText_areReportedAsDuplicates() {
        let text = """
            apiVersion: k8sctl.dev/v1
            kind: Cluster
            metadata: { name: a, "name": b }
            spec:
              kubernetes: { version: 1.31.4 }
              hosts:
                - { name: cp1, address: 10.0.0.1, roles: [control-plane, etcd, worker] }

            """
        let result = InventoryLoader().load(text: text, file: "dup.yaml")
        #expect(result.cluster == nil)
        #expect(result.diagnostics.contains { $0.message.contains("duplicate key 'name'") && $0.location?.line == 3 })
    }

    @Test func generatedScaleInventory_loadsWithEveryHost() throws {
        let result = InventoryLoader().load(path: RepositoryPaths.inventories.appendingPathComponent("scale-1000.yaml").path)
        let cluster = try #require(result.cluster)
        #expect(cluster.hosts.count == 1000)
        #expect(cluster.controlPlaneHosts.count == 5)
        #expect(Set(cluster.nodePools.map(\.name)) == ["zone-a", "zone-b", "zone-c", "infra", "gpu"])
        #expect(cluster.nodePools.contains { !$0.taints.isEmpty })
    }
}
