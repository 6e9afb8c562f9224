import ArgumentParser
import Foundation
import K8sctlPKI

/// `k8sctl certs ensure FILE`: bring the PKI store in line with the inventory, offline.
struct CertsEnsureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensure",
        abstract: "Issue missing certificates and renew those that no longer fit, in the local PKI store.",
        discussion: """
        The same step `render` and `apply` run first. Existing certificates are reused; one is
        re-issued only when its subject, SANs, usages, CA or key algorithm no longer match, or it
        expires within spec.pki.renewBeforeDays. A CA is never re-minted over an existing one.
        Prints what was issued and renewed (never a key). Exit codes: 0 ok, 1 the store refused
        (unusable CA), 2 unusable inventory.
        """)

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Option(name: .long, help: "PKI store directory (default: <inventory dir>/.k8sctl/<cluster>/pki).")
    var pkiDir: String?

    func run() throws {
        let cluster = try CommandContext.loadCluster(path: inventory, quietWarnings: true)
        let store = pkiDir.map { PKIStore(root: URL(fileURLWithPath: $0)) }
            ?? PKIStore.defaultLocation(inventoryPath: inventory, clusterName: cluster.name)
        do {
            let (_, report) = try ClusterPKI.ensure(cluster: cluster, store: store)
            print("PKI store: \(store.root.path)")
            print(report)
        } catch {
            CommandContext.printError("\(error)")
            throw CommandContext.refused
        }
    }
}
