import ArgumentParser

/// `k8sctl inventory …`: inspect and convert inventories.
struct InventoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Show a resolved inventory, or import one from Kubespray/Ansible.",
        subcommands: [InventoryShowCommand.self, InventoryImportCommand.self])
}
