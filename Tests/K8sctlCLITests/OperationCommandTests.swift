import Foundation
import K8sctlTestSupport
import Testing

/// `stop`, `start` and `reset` refuse bad input before connecting to any host (the sample inventory's
/// addresses are not reachable from here, so reaching the network would show as a different error).
struct OperationCommandTests {
    static let sample = "inventories/ha-3.yaml"

    @Test(arguments: [[String](), ["cp1", "--all"], ["w1", "w1"]])
    func reset_withoutTargetsOrWithBoth_isUnusableInput(extra: [String]) throws {
        let run = try K8sctlBinary.run(["reset", Self.sample] + extra + ["--yes"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("nothing was changed"), "\(run.stderr)")
    }

    @Test func reset_ofAnInventoryHost_isRefusedNamingTheScaleDown() throws {
        let run = try K8sctlBinary.run(["reset", Self.sample, "cp2", "--yes"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("cp2 is in the inventory"), "\(run.stderr)")
        #expect(run.stderr.contains("k8sctl apply"))
    }

    @Test func reset_withoutATerminalOrYes_asksNothingAndChangesNothing() throws {
        let run = try K8sctlBinary.run(["reset", Self.sample, "--all"], stdin: "")
        #expect(run.status == 2)
        #expect(run.stderr.contains("--yes"), "\(run.stderr)")
    }

    @Test(arguments: ["stop", "start", "reset"])
    func help_explainsTheOperation(command: String) throws {
        let run = try K8sctlBinary.run([command, "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("Exit codes"), "\(run.stdout)")
    }

    /// `--files-only` is an apply option only, and refuses what is not a file write before
    /// connecting (the sample's addresses are unreachable: a connection attempt would say so).
    @Test(arguments: [["--remove-unreachable", "w9"], ["--rollback"]])
    func applyFilesOnly_withRemovalOrRollback_isUnusableInput(extra: [String]) throws {
        let run = try K8sctlBinary.run(["apply", Self.sample, "--files-only"] + extra)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("--files-only and \(extra[0]) cannot be combined"), "\(run.stderr)")
        #expect(!run.stderr.contains("cannot reach"), "\(run.stderr)")
    }

    @Test(arguments: ["rollback", "stop", "start"])
    func filesOnly_isNotAnOptionOfTheOtherRunCommands(command: String) throws {
        let run = try K8sctlBinary.run([command, Self.sample, "--files-only"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--files-only"), "\(run.stderr)")
    }
}
