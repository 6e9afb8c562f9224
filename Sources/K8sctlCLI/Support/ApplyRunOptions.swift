import ArgumentParser
import Foundation
import K8sctlPKI
import K8sctlPlanning
import K8sctlRendering

/// The options of every command that runs a plan on the hosts (`apply`, `rollback`), and what
/// they resolve to.
struct ApplyRunOptions: ParsableArguments {
    @Option(name: .long, help: "Progress output: text (one line per step) or json (one event per line).")
    var output: ApplyCommand.OutputFormat = .text

    @Option(name: .long, help: "How many hosts work at once.")
    var parallelism: Int = 64

    @Option(name: .long, help: "Playbook directory (default: the shipped playbooks/).")
    var playbooks: String?

    @Option(name: .long, help: "Template directory (default: the shipped templates/).")
    var templates: String?

    @Option(name: .long, help: "The local PKI store (default: <inventory dir>/.k8sctl/<cluster>/pki).")
    var pki: String?

    mutating func validate() throws {
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
    }

    /// The playbook directory; exits 2 when none is found.
    func playbookDirectory() throws -> String {
        guard let directory = ShippedDirectoryLocator.playbooks(explicit: playbooks).locate() else {
            CommandContext.printError("no playbooks found; pass --playbooks DIR or set K8SCTL_PLAYBOOKS")
            throw CommandContext.unusableInput
        }
        return directory
    }

    func templateLibrary() throws -> TemplateLibrary { try CommandContext.loadTemplates(explicit: templates) }

    func pkiStore(inventory: String, clusterName: String) -> PKIStore {
        pki.map { PKIStore(root: URL(fileURLWithPath: $0)) }
            ?? PKIStore.defaultLocation(inventoryPath: inventory, clusterName: clusterName)
    }
}
