import K8sctlInventory
import K8sctlModel
import K8sctlTestSupport
import Foundation
import Testing

/// Regressions for what `scripts/fuzz` found (docs/hardening.md). Each input is also in the seed
/// corpus, Tests/Fixtures/fuzz/inventory/regression-*.
struct FuzzFindingTests {
    /// Yams traps on an overflowing YAML 1.1 base-60 integer; the loader must report, not crash.
    @Test(arguments: ["44:4:4:014:4:044:4:4:014:4:011", "1:0:0:0:0:0:0:0:0:0:0", "-99999999999999999999:1",
                      "44:4:4:014:4:-4:014:4:044:4:4:0:014:01144:4:4:4:011", "+1:-1:2:3:4:5:6:7:8:9:10:11"])
    func overflowingBase60Scalar_isAnErrorNotATrap(_ scalar: String) {
        let whole = InventoryLoader().load(text: scalar, file: "fuzz.yaml")
        #expect(whole.cluster == nil)
        #expect(whole.diagnostics.contains { $0.severity == .error })

        let asPort = InventoryLoader().load(text: """
            apiVersion: k8sctl.dev/v1
            kind: Cluster
            metadata: { name: c }
            spec:
              kubernetes: { version: 1.31.4 }
              ssh: { port: \(scalar) }
              hosts: [ { name: cp1, address: 10.0.0.1, roles: [control-plane, etcd, worker] } ]
            """, file: "fuzz.yaml")
        #expect(asPort.cluster == nil)
        #expect(asPort.diagnostics.contains { $0.severity == .error && $0.location?.line == 6 && $0.message.contains("integer") })
    }

    /// The same text is a legal flag value; the writer (which stores the applied inventory on the
    /// cluster) must quote it so that reading the state back neither traps nor changes it.
    @Test func overflowingBase60FlagValue_survivesTheWriterRoundTrip() throws {
        let value = "44:4:4:014:4:044:4:4:014:4:011"
        let loaded = InventoryLoader().load(text: """
            apiVersion: k8sctl.dev/v1
            kind: Cluster
            metadata: { name: c }
            spec:
              kubernetes: { version: 1.31.4 }
              etcd: { extraArgs: { initial-cluster-token: "\(value)" } }
              hosts: [ { name: cp1, address: 10.0.0.1, roles: [control-plane, etcd, worker] } ]
            """, file: "fuzz.yaml")
        let cluster = try #require(loaded.cluster, "\(loaded.diagnostics.map(\.message))")
        let written = NativeInventoryWriter().yaml(for: cluster)
        let reread = InventoryLoader().load(text: written, file: "written.yaml")
        #expect(reread.cluster?.etcd.extraArgs["initial-cluster-token"] == value, "\(reread.diagnostics.map(\.message))\n\(written)")
    }
}

/// The whole committed fuzz corpus, replayed by the plain (unsanitized) build of the fuzz target:
/// every seed and every regression input goes through every reader without a trap, in CI.
struct FuzzCorpusReplayTests {
    @Test func committedCorpus_replaysWithoutACrash() throws {
        let replayer = K8sctlBinary.url.deletingLastPathComponent().appendingPathComponent("k8sctl-fuzz-inventory")
        try #require(FileManager.default.isExecutableFile(atPath: replayer.path), "build it: swift build --product k8sctl-fuzz-inventory")
        let corpus = RepositoryPaths.fixtures.appendingPathComponent("fuzz/inventory")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: corpus.path).count
        let run = try ProcessRunner.run(replayer.path, [corpus.path])
        #expect(run.status == 0, "\(run.stderr.suffix(3000))")
        #expect(run.stdout == "replayed \(seeds) inputs\n")
        #expect(seeds >= 30)
    }
}
