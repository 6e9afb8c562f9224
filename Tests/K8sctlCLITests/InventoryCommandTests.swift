import Foundation
import K8sctlTestSupport
import Testing

@Suite("k8sctl inventory / version / help")
struct InventoryCommandTests {
    @Test(arguments: ["single-node.yaml", "ha-3.yaml", "etcd-5.yaml", "pools-zones.yaml", "scale-1000.yaml"])
    func inventoryShow_printsEverySample(name: String) throws {
        let output = try K8sctlBinary.run(["inventory", "show", "inventories/\(name)"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("cluster "))
        #expect(output.stdout.contains("NAME"))
        #expect(output.stderr.isEmpty)
    }

    @Test func inventoryShow_jsonIsTheDocumentedSchema() throws {
        let output = try K8sctlBinary.run(["inventory", "show", "--format", "json", "inventories/pools-zones.yaml"])
        #expect(output.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(json["apiVersion"] as? String == "k8sctl.dev/v1")
        let spec = try #require(json["spec"] as? [String: Any])
        let hosts = try #require(spec["hosts"] as? [[String: Any]])
        #expect(hosts.count == 8)
        #expect((spec["network"] as? [String: Any])?["nodeMaskSize"] as? Int == 24)
        let status = try #require((json["status"] as? [String: Any])?["hosts"] as? [[String: Any]])
        let gpu = try #require(status.first { $0["name"] as? String == "gpu1" })
        #expect((gpu["effectiveLabels"] as? [String: String])?["topology.kubernetes.io/zone"] == "eu1-a")
    }

    @Test(arguments: ["wrong-types.yaml", "unknown-keys.yaml", "duplicate-keys.yaml", "bad-cidr.yaml", "alias-bomb.yaml",
                      "empty.yaml", "garbage.bin", "hostile-values.yaml", "deep-nesting.yaml", "bad-batch-size.yaml"])
    func inventoryShow_malformedInput_exits2WithPositionedError(name: String) throws {
        let path = "Tests/Fixtures/malformed/\(name)"
        let output = try K8sctlBinary.run(["inventory", "show", path])
        #expect(output.status == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("\(path):"))
        #expect(output.stderr.contains(": error: "))
        #expect(output.stderr.contains("nothing was changed"))
    }

    @Test func missingFile_exits2() throws {
        let output = try K8sctlBinary.run(["inventory", "show", "does-not-exist.yaml"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("does-not-exist.yaml:1:1: error: no such file"))
    }

    @Test func version_andHelp() throws {
        let version = try K8sctlBinary.run(["version"])
        #expect(version.stdout.hasPrefix("k8sctl "))
        let help = try K8sctlBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("inventory"))
        #expect(help.stdout.contains("Exit codes"))
    }

    /// The README's exit codes: a bad flag or a missing argument is unusable input, 2 (not
    /// swift-argument-parser's 64), with the parser's message and the usage line on stderr.
    @Test(arguments: [["plan"], ["plan", "inventories/ha-3.yaml", "--no-such-flag"],
                      ["apply", "inventories/ha-3.yaml", "--parallelism", "0"], ["validate", "inventories/ha-3.yaml", "--format", "xml"],
                      ["no-such-command"]])
    func usageErrors_exit2_withTheUsage(arguments: [String]) throws {
        let run = try K8sctlBinary.run(arguments)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("Error:"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func helpOfASubcommand_exits0() throws {
        let run = try K8sctlBinary.run(["apply", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("USAGE: k8sctl apply"))
    }
}
