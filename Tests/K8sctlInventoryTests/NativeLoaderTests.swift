import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlTestSupport
import Testing

@Suite("Native inventory loading")
struct NativeLoaderTests {
    static let samples = ["single-node.yaml", "ha-3.yaml", "etcd-5.yaml", "pools-zones.yaml", "scale-1000.yaml"]

    @Test("every sample inventory loads without errors", arguments: samples)
    func sample_loads(name: String) throws {
        let result = InventoryLoader().load(path: RepositoryPaths.inventories.appendingPathComponent(name).path)
        #expect(result.diagnostics.errors.isEmpty, "\(result.diagnostics)")
        let cluster = try #require(result.cluster)
        #expect(!cluster.hosts.isEmpty)
        #expect(!cluster.controlPlaneHosts.isEmpty)
    }

    @Test("the writer's YAML loads back to the same cluster", arguments: samples)
    func writtenYAML_loadsBackEqual(name: String) throws {
        let original = try #require(InventoryLoader().load(path: RepositoryPaths.inventories.appendingPathComponent(name).path).cluster)
        let text = NativeInventoryWriter().yaml(for: original)
        let reloaded = try #require(InventoryLoader().load(text: text, file: "written.yaml").cluster)
        var left = original, right = reloaded
        left.sourceMap = SourceMap(file: "")
        right.sourceMap = SourceMap(file: "")
        // The writer spells out the default etcd version; the model keeps it optional.
        left.etcd.version = original.etcdVersion
        #expect(left == right)
    }

    @Test func haSample_resolvesRolesAddressesAndPolicy() throws {
        let cluster = try #require(InventoryLoader().load(path: RepositoryPaths.inventories.appendingPathComponent("ha-3.yaml").path).cluster)
        #expect(cluster.name == "prod-eu1")
        #expect(cluster.kubernetes.version == SemanticVersion("1.31.4"))
        #expect(cluster.controlPlaneHosts.map(\.name) == ["cp1", "cp2", "cp3"])
        #expect(cluster.etcdHosts.count == 3)
        #expect(cluster.workerHosts.map(\.name) == ["w1", "w2", "w3"])
        #expect(cluster.host(named: "cp1")?.clusterAddress == IPAddress("10.0.1.11"))
        #expect(cluster.host(named: "w1")?.critical == true)
        #expect(cluster.rollout.workers.batchSize == .percent(20))
        #expect(cluster.rollout.workers.pauseBetweenBatches.milliseconds == 30_000)
        #expect(cluster.rollout.drain.timeout.milliseconds == 300_000)
        #expect(cluster.controlPlane.extraArgs.apiserver == ["audit-log-maxage": "30"])
        #expect(cluster.controlPlane.endpoint.mode == .localProxy)
    }

    @Test func poolsSample_inheritsPoolLabelsTaintsAndZone() throws {
        let cluster = try #require(InventoryLoader().load(path: RepositoryPaths.inventories.appendingPathComponent("pools-zones.yaml").path).cluster)
        let gpu = try #require(cluster.host(named: "gpu1"))
        let labels = cluster.nodeLabels(for: gpu)
        #expect(labels["tier"] == "compute")
        #expect(labels["gpu-model"] == "a100")
        #expect(labels["topology.kubernetes.io/zone"] == "eu1-a")
        #expect(cluster.nodeTaints(for: gpu) == [Taint(key: "nvidia.com/gpu", value: "present", effect: .noSchedule)])
        let controlPlane = try #require(cluster.host(named: "cp1"))
        #expect(cluster.nodeTaints(for: controlPlane).contains(Taint(key: "node-role.kubernetes.io/control-plane", effect: .noSchedule)))
    }

    @Test func sourceMap_pointsAtValues() throws {
        let cluster = try #require(InventoryLoader().load(path: RepositoryPaths.inventories.appendingPathComponent("ha-3.yaml").path).cluster)
        let address = cluster.location(of: "spec.hosts[1].address")
        #expect(address.line == 24)
        #expect(address.column == 29)
        // A defaulted value falls back to its nearest written ancestor.
        let defaulted = cluster.location(of: "spec.hosts[1].labels")
        #expect(defaulted.line == 24)
    }
}

/// The malformed-input corpus: each file must give a positioned error (line, column, text) and no cluster.
@Suite("Malformed inventories")
struct MalformedInventoryTests {
    struct Case: Sendable, CustomStringConvertible {
        var file: String
        var line: Int
        var column: Int
        var fragment: String
        var description: String { file }
    }

    static let corpus: [Case] = [
        Case(file: "wrong-types.yaml", line: 6, column: 28, fragment: "must be an integer, found the string '24'"),
        Case(file: "wrong-types.yaml", line: 8, column: 34, fragment: "must be true or false"),
        Case(file: "wrong-types.yaml", line: 10, column: 46, fragment: "must be a list"),
        Case(file: "unknown-keys.yaml", line: 6, column: 3, fragment: "unknown key 'netwrok'"),
        Case(file: "unknown-keys.yaml", line: 8, column: 20, fragment: "unknown key 'adress'"),
        Case(file: "duplicate-keys.yaml", line: 5, column: 3, fragment: "duplicate key 'kubernetes'"),
        Case(file: "bad-cidr.yaml", line: 6, column: 23, fragment: "'10.244.0.0/33' is not a CIDR"),
        Case(file: "bad-cidr.yaml", line: 6, column: 51, fragment: "'10.96.0/12' is not a CIDR"),
        Case(file: "bad-address.yaml", line: 7, column: 29, fragment: "'10.0.0.256' is not an IP address"),
        Case(file: "bad-address.yaml", line: 8, column: 29, fragment: "'fe80::1::2' is not an IP address"),
        Case(file: "bad-duration.yaml", line: 7, column: 38, fragment: "'15 seconds' is not a duration"),
        Case(file: "bad-duration.yaml", line: 7, column: 83, fragment: "'2x' is not a duration"),
        Case(file: "bad-version.yaml", line: 5, column: 26, fragment: "'1.31' is not a Kubernetes version"),
        Case(file: "bad-batch-size.yaml", line: 7, column: 50,
             fragment: "'spec.rollout.workers.newHostBatchSize' must be a count (5) or a percentage (20%)"),
        Case(file: "alias-bomb.yaml", line: 10, column: 22, fragment: "alias expansion bomb"),
        Case(file: "empty.yaml", line: 1, column: 1, fragment: "the file is empty"),
        Case(file: "garbage.bin", line: 1, column: 1, fragment: "not UTF-8 text"),
        Case(file: "not-a-mapping.yaml", line: 1, column: 1, fragment: "must be a mapping"),
        Case(file: "invalid-yaml.yaml", line: 4, column: 5, fragment: "invalid YAML"),
        Case(file: "deep-nesting.yaml", line: 1, column: 204, fragment: "nesting deeper than 200"),
        Case(file: "hostile-values.yaml", line: 6, column: 20, fragment: "is not an absolute path"),
        Case(file: "hostile-values.yaml", line: 9, column: 30, fragment: "'--evil' is not a flag name"),
        Case(file: "hostile-values.yaml", line: 9, column: 53, fragment: "must be a single line"),
        Case(file: "hostile-values.yaml", line: 11, column: 15, fragment: "'cp1$(reboot)' is not a lower-case DNS name"),
        Case(file: "hostile-values.yaml", line: 11, column: 102, fragment: "'bad key!' is not a valid Kubernetes label key"),
        Case(file: "missing-required.yaml", line: 3, column: 11, fragment: "missing required key 'metadata.name'"),
        Case(file: "missing-required.yaml", line: 5, column: 3, fragment: "missing required key 'spec.kubernetes'"),
    ]

    @Test("malformed input gives a positioned error and no cluster", arguments: corpus)
    func malformed_reportsPositionedError(_ expected: Case) throws {
        let path = RepositoryPaths.fixtures.appendingPathComponent("malformed/\(expected.file)").path
        let result = InventoryLoader().load(path: path)
        #expect(result.cluster == nil)
        let match = result.diagnostics.first { $0.message.contains(expected.fragment) }
        let found = try #require(match, "no diagnostic containing \"\(expected.fragment)\" in \(result.diagnostics.map(\.message))")
        #expect(found.severity == .error)
        #expect(found.location?.file == path)
        #expect(found.location?.line == expected.line)
        #expect(found.location?.column == expected.column)
    }

    @Test func unknownKey_suggestsTheNearMiss() {
        let result = InventoryLoader().load(path: RepositoryPaths.fixtures.appendingPathComponent("malformed/unknown-keys.yaml").path)
        let unknown = result.diagnostics.first { $0.message.contains("netwrok") }
        #expect(unknown?.hint == "did you mean 'network'?")
    }

    @Test func allProblemsReportedInOneRun() {
        let result = InventoryLoader().load(path: RepositoryPaths.fixtures.appendingPathComponent("malformed/hostile-values.yaml").path)
        #expect(result.diagnostics.errors.count == 5)
    }

    @Test func aliasBomb_isRefusedWithoutExpandingIt() {
        // 10^9 leaves if expanded; the budget stops the walk after 5·10^6 nodes.
        let result = InventoryLoader().load(path: RepositoryPaths.fixtures.appendingPathComponent("malformed/alias-bomb.yaml").path)
        #expect(result.cluster == nil)
        #expect(result.diagnostics.count == 1)
    }

    @Test func aliasBombAsAMappingKey_isRefusedBeforeComposing() throws {
        // Yams hashes mapping keys while composing; hashing walks aliases expanded, so this must be
        // refused by the event pass before Yams sees it (at 2^40 nodes it hung the fuzzer).
        let result = InventoryLoader().load(path: RepositoryPaths.fixtures.appendingPathComponent("malformed/alias-key-bomb.yaml").path)
        #expect(result.cluster == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.message.contains("mapping keys that are collections expand to more than 10000 nodes"))
        #expect(diagnostic.location?.line == 20)
    }

    @Test func exponentialAliasChain_isRefusedBeforeComposing() {
        // 2^40 nodes as a key: refused by the document limit once the expanded document passes 5·10^6 nodes.
        var text = "a0: &a0 [x, y]\n"
        for level in 1..<40 { text += "a\(level): &a\(level) [*a\(level - 1), *a\(level - 1)]\n" }
        text += "k: {*a39 : 1}\n"
        let result = InventoryLoader().load(text: text, file: "chain.yaml")
        #expect(result.cluster == nil)
        #expect(result.diagnostics.map(\.message) == ["YAML expands to more than 5000000 nodes (alias expansion bomb?)"])
        #expect(result.diagnostics.first?.location?.line == 21)  // a20: the document passes 5·10^6 there
    }

    @Test func anchorsThatDoNotMultiply_stillLoad() throws {
        // The pools' labels written once and aliased (and a `*` in a comment): fine, they do not multiply.
        let text = try String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("pools-zones.yaml"), encoding: .utf8)
        let anchored = text
            .replacingOccurrences(of: "{ name: web-a, labels: { tier: web }", with: "{ name: web-a, labels: &web { tier: web }")
            .replacingOccurrences(of: "{ name: web-b, labels: { tier: web }", with: "{ name: web-b, labels: *web")
        #expect(anchored.contains("*web"))
        let result = InventoryLoader().load(text: anchored + "# *not an alias\n", file: "anchored.yaml")
        #expect(result.diagnostics.errors.isEmpty)
        #expect(result.cluster?.nodePools.first { $0.name == "web-b" }?.labels == ["tier": "web"])
    }

    @Test func diagnosticsAreFormattedWithLineAndCaret() throws {
        let path = RepositoryPaths.fixtures.appendingPathComponent("malformed/bad-version.yaml").path
        let result = InventoryLoader().load(path: path)
        let formatter = DiagnosticTextFormatter { _ in result.sourceText?.split(separator: "\n", omittingEmptySubsequences: false) }
        let text = formatter.format(try #require(result.diagnostics.first))
        #expect(text == """
        \(path):5:26: error: 'spec.kubernetes.version': '1.31' is not a Kubernetes version
         5 |   kubernetes: { version: 1.31 }
           |                          ^
          hint: write MAJOR.MINOR.PATCH, e.g. 1.31.4
        """)
    }
}
