import ArgumentParser
import K8sctlInventory
import K8sctlModel

/// `k8sctl inventory import INV`: a Kubespray/Ansible inventory → the native inventory, or with
/// `--list` the Ansible view exactly as `ansible-inventory -i INV --list` prints it.
struct InventoryImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a Kubespray/Ansible inventory (INI or YAML, with group_vars/host_vars) to a k8sctl inventory.",
        discussion: """
        INV is an inventory file (inventory.ini, hosts.yaml) or the directory holding it; group_vars/
        and host_vars/ beside it are read as Ansible reads them.
          k8sctl inventory import inventory/mycluster/inventory.ini -o cluster.yaml
          k8sctl inventory import inventory/mycluster/inventory.ini --list > ours.json
          ansible-inventory -i inventory/mycluster/inventory.ini --list > theirs.json   # same JSON
        Warnings name every setting that could not be carried over; errors (an address that is not
        an IP, a Jinja expression k8sctl cannot evaluate) print with file:line:col and exit 2.
        Reference: docs/import.md.
        """)

    @Argument(help: "The Ansible inventory file or directory.")
    var inventory: String

    @Option(name: [.short, .long], help: "Write the result here instead of stdout.")
    var output: String?

    @Flag(help: "Print the resolved Ansible inventory as `ansible-inventory --list` JSON instead of converting.")
    var list = false

    func run() throws {
        if list {
            let (loaded, diagnostics) = AnsibleInventory.load(path: inventory)
            if !diagnostics.isEmpty { CommandContext.printDiagnostics(diagnostics) }
            guard let loaded else { throw failed(diagnostics) }
            try CommandContext.emit(loaded.listJSON() + "\n", to: output)
            return
        }
        let (cluster, diagnostics) = KubesprayImporter().importCluster(path: inventory)
        if !diagnostics.isEmpty { CommandContext.printDiagnostics(diagnostics) }
        guard let cluster else { throw failed(diagnostics) }
        try CommandContext.emit(NativeInventoryWriter().yaml(for: cluster), to: output)
    }

    private func failed(_ diagnostics: [Diagnostic]) -> ExitCode {
        let count = diagnostics.errors.count
        CommandContext.printError("\(inventory): \(count) error\(count == 1 ? "" : "s"); nothing was written")
        return CommandContext.unusableInput
    }
}
