import ArgumentParser
import Foundation
import K8sctlTestSupport
import Testing
@testable import K8sctlCLI

/// `k8sctl validate` and `k8sctl rules` run in-process on real files and a real git repository.
@Suite("validate and rules commands")
struct ValidateCommandTests {
    /// A scratch directory with the ha-3 sample as cluster.yaml and an edited copy.
    struct Workspace {
        let directory: URL
        var cluster: String { directory.appendingPathComponent("cluster.yaml").path }
        var changed: String { directory.appendingPathComponent("changed.yaml").path }
        var report: String { directory.appendingPathComponent("report.out").path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-validate-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let sample = try String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("ha-3.yaml"), encoding: .utf8)
            try sample.write(toFile: cluster, atomically: true, encoding: .utf8)
            try Self.edit(sample).write(toFile: changed, atomically: true, encoding: .utf8)
        }

        /// cp2 changes address without `replacement: true`: an error.
        static func edit(_ text: String) -> String {
            text.replacingOccurrences(of: "{ name: cp2, address: 10.0.0.12,", with: "{ name: cp2, address: 10.0.0.42,")
        }

        func git(_ arguments: String...) throws {
            let result = try ProcessRunner.run("git", ["-c", "user.email=ci@example.invalid", "-c", "user.name=ci"] + arguments,
                                               directory: directory)
            #expect(result.succeeded, "git \(arguments): \(result.stderr)")
        }

        func reportJSON() throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: report))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
    }

    /// Runs k8sctl with `arguments`; returns the exit code the process would have.
    static func run(_ arguments: [String]) -> Int32 {
        do {
            var command = try K8sctlCommand.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            return K8sctlCommand.exitCode(for: error).rawValue
        }
    }

    @Test func unchangedSample_exitsZero() throws {
        let space = try Workspace()
        #expect(Self.run(["validate", space.cluster, "--previous", space.cluster, "-o", space.report]) == 0)
        #expect(try String(contentsOfFile: space.report, encoding: .utf8).hasSuffix("passed\n"))
    }

    @Test func addressChange_againstPreviousFile_isRefusedWithExitOne() throws {
        let space = try Workspace()
        #expect(Self.run(["validate", space.changed, "--previous", space.cluster, "-f", "json", "-o", space.report]) == 1)
        let report = try space.reportJSON()
        #expect(report["verdict"] as? String == "refused")
        let ids = (report["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["ruleId"] as? String }
        #expect(ids.contains("K8S-DATALOSS-007"))
    }

    @Test func previousGit_readsTheFileAtTheRevision() throws {
        let space = try Workspace()
        try space.git("init", "-q")
        try space.git("add", "cluster.yaml")
        try space.git("commit", "-q", "-m", "cluster")
        let edited = Workspace.edit(try String(contentsOfFile: space.cluster, encoding: .utf8))
        try edited.write(toFile: space.cluster, atomically: true, encoding: .utf8)
        #expect(Self.run(["validate", space.cluster, "--previous-git", "HEAD", "-f", "json", "-o", space.report]) == 1)
        let report = try space.reportJSON()
        #expect(report["previous"] as? String == "HEAD:cluster.yaml")
        let finding = (report["diagnostics"] as? [[String: Any]] ?? []).first { $0["ruleId"] as? String == "K8S-DATALOSS-007" }
        let related = (finding?["related"] as? [[String: Any]])?.first?["location"] as? [String: Any]
        #expect(related?["file"] as? String == "HEAD:cluster.yaml")
    }

    @Test func previousGit_newInventory_validatesAloneWithAWarning() throws {
        let space = try Workspace()
        try space.git("init", "-q")
        try space.git("add", "changed.yaml")
        try space.git("commit", "-q", "-m", "other file")
        #expect(Self.run(["validate", space.cluster, "--previous-git", "HEAD", "-f", "json", "-o", space.report]) == 0)
        let report = try space.reportJSON()
        #expect((report["summary"] as? [String: Any])?["warnings"] as? Int == 1)
    }

    @Test func previousGit_unknownRevision_exitsTwo() throws {
        let space = try Workspace()
        try space.git("init", "-q")
        try space.git("add", "cluster.yaml")
        try space.git("commit", "-q", "-m", "cluster")
        #expect(Self.run(["validate", space.cluster, "--previous-git", "no-such-branch"]) == 2)
    }

    @Test func unusableInventory_exitsTwo_andStillWritesTheReport() throws {
        let space = try Workspace()
        try "apiVersion: k8sctl.dev/v1\nkind: Cluster\nspec: [\n".write(toFile: space.cluster, atomically: true, encoding: .utf8)
        #expect(Self.run(["validate", space.cluster, "-f", "sarif", "-o", space.report]) == 2)
        #expect(try String(contentsOfFile: space.report, encoding: .utf8).contains("K8S-INPUT-000"))
    }

    @Test func warningsOnly_passUnlessStrict() throws {
        let space = try Workspace()
        // A fourth etcd member: K8S-TOPOLOGY-003 warns about the even count.
        let text = try String(contentsOfFile: space.cluster, encoding: .utf8)
            .replacingOccurrences(of: "{ name: w1, address: 10.0.0.21, internalAddress: 10.0.1.21, roles: [worker]",
                                  with: "{ name: w1, address: 10.0.0.21, internalAddress: 10.0.1.21, roles: [worker, etcd]")
        try text.write(toFile: space.changed, atomically: true, encoding: .utf8)
        #expect(Self.run(["validate", space.changed, "-o", space.report]) == 0)
        #expect(Self.run(["validate", space.changed, "--strict", "-o", space.report]) == 1)
    }

    @Test func previousAndPreviousGit_areExclusive() throws {
        let space = try Workspace()
        #expect(Self.run(["validate", space.cluster, "--previous", space.cluster, "--previous-git", "HEAD"]) != 0)
    }

    @Test func rules_unknownID_exitsTwo_knownIDPrints() {
        #expect(Self.run(["rules", "K8S-QUORUM-999"]) == 2)
        #expect(Self.run(["rules", "k8s-quorum-001"]) == 0)
    }
}
