import K8sctlModel
import Testing

@Suite("Model value types")
struct ValueTypeTests {
    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1"), ("::1", "::1"), ("2001:db8:0:0:0:0:0:1", "2001:db8::1"),
        ("fe80::1:2", "fe80::1:2"), ("::ffff:10.0.0.1", "::ffff:a00:1"),
    ])
    func ipAddress_parsesAndPrintsCanonically(input: String, canonical: String) throws {
        #expect(try #require(IPAddress(input)).description == canonical)
    }

    @Test(arguments: ["10.0.0.256", "10.0.0", "010.0.0.1", "1::2::3", "abc", "", "10.0.0.1 ", "1:2:3:4:5:6:7:8:9"])
    func ipAddress_rejectsMalformedText(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func cidr_normalisesContainsAndOverlaps() throws {
        let pods = try #require(CIDR("10.244.1.7/16"))
        #expect(pods.description == "10.244.0.0/16")
        #expect(pods.contains(IPAddress("10.244.255.255")!))
        #expect(!pods.contains(IPAddress("10.245.0.0")!))
        #expect(pods.overlaps(CIDR("10.0.0.0/8")!))
        #expect(!pods.overlaps(CIDR("10.96.0.0/12")!))
        #expect(CIDR("10.96.0.0/12")!.address(at: 1) == IPAddress("10.96.0.1"))
        #expect(CIDR("10.96.0.0/12")!.size == 1 << 20)
        #expect(CIDR("10.0.0.0/33") == nil)
        #expect(CIDR("fd00::/108")!.size == 1 << 20)
    }

    @Test func network_derivesServiceAndDNSAddresses() {
        let network = NetworkSettings()
        #expect(network.kubernetesServiceIP == IPAddress("10.96.0.1"))
        #expect(network.clusterDNSIP == IPAddress("10.96.0.10"))
        #expect(network.nodeSubnetCount == 256)
    }

    @Test(arguments: [("15s", 15_000), ("1m30s", 90_000), ("500ms", 500), ("2h", 7_200_000), ("1.5s", 1500), ("0", 0)])
    func timeSpan_parsesGoDurations(text: String, milliseconds: Int64) throws {
        #expect(try #require(TimeSpan(text)).milliseconds == milliseconds)
    }

    @Test(arguments: ["15", "15 seconds", "s", "1d", "-5s", ""])
    func timeSpan_rejectsOtherText(text: String) {
        #expect(TimeSpan(text) == nil)
    }

    @Test func semanticVersion_ordersAndParses() throws {
        let version = try #require(SemanticVersion("v1.31.4"))
        #expect(version.minorLine == "1.31")
        #expect(version.tag == "v1.31.4")
        #expect(SemanticVersion("1.30.0-rc.1")! < SemanticVersion("1.30.0")!)
        #expect(SemanticVersion("1.9.9")! < SemanticVersion("1.10.0")!)
        #expect(SemanticVersion("1.31") == nil)
        #expect(SemanticVersion("1.031.0") == nil)
    }

    @Test func batchSize_resolvesAgainstPoolSize() {
        #expect(BatchSize.percent(20).hosts(outOf: 997) == 199)
        #expect(BatchSize.percent(20).hosts(outOf: 3) == 1)
        #expect(BatchSize.count(5).hosts(outOf: 3) == 3)
        #expect(BatchSize("25%") == .percent(25))
        #expect(BatchSize("x") == nil)
    }

    @Test func taint_parsesKubectlSyntax() {
        #expect(Taint("dedicated=gpu:NoSchedule") == Taint(key: "dedicated", value: "gpu", effect: .noSchedule))
        #expect(Taint("node.kubernetes.io/maint:NoExecute") == Taint(key: "node.kubernetes.io/maint", effect: .noExecute))
        #expect(Taint("x=y:Sometimes") == nil)
    }

    @Test func sourceMap_fallsBackToNearestAncestor() {
        var map = SourceMap(file: "c.yaml")
        map.record("spec.hosts[2]", SourceLocation(file: "c.yaml", line: 9, column: 7))
        #expect(map.location(of: "spec.hosts[2].labels.tier").line == 9)
        #expect(map.location(of: "spec.network").line == 1)
    }
}
