import ArgumentParser
import K8sctlInventory
import K8sctlModel

/// `k8sctl inventory show FILE`: the inventory as k8sctl understands it, every default resolved.
struct InventoryShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the resolved inventory: hosts, roles, pools and every setting with defaults applied.",
        discussion: """
        Formats:
          text  a summary and a host table (default)
          yaml  the full native inventory with every default written out (loads back unchanged)
          json  the same document as JSON plus status.hosts[].effectiveLabels/effectiveTaints
                (schema: README "Inventory reference")
        Unusable input prints positioned errors and exits 2.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, yaml, json }

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Option(name: [.short, .long], help: "Output format: text, yaml or json.")
    var format: Format = .text

    func run() throws {
        let cluster = try CommandContext.loadCluster(path: inventory)
        switch format {
        case .yaml: print(NativeInventoryWriter().yaml(for: cluster), terminator: "")
        case .json: print(NativeInventoryWriter().json(for: cluster), terminator: "")
        case .text: print(InventorySummary(cluster: cluster).text)
        }
    }
}
