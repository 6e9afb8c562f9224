import ArgumentParser
import Foundation
import K8sctlModel
import K8sctlPKI

/// `k8sctl certs list FILE`: every certificate the inventory asks for, and the state of the stored one.
struct CertsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every certificate of the cluster: node path, CN, O, SANs, expiry and status.",
        discussion: """
        Reads the PKI store (default: <inventory dir>/.k8sctl/<cluster>/pki, see docs/pki.md); never
        issues anything. Status is `valid`, `not issued` (the next render/apply mints it) or
        `will be re-issued: <reason>` (SANs, subject or usages changed, expiring, new CA).
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Option(name: .long, help: "PKI store directory (default: <inventory dir>/.k8sctl/<cluster>/pki).")
    var pkiDir: String?

    @Option(name: [.short, .long], help: "Output format: table or json.")
    var format: Format = .table

    func run() throws {
        let cluster = try CommandContext.loadCluster(path: inventory, quietWarnings: true)
        let store = pkiDir.map { PKIStore(root: URL(fileURLWithPath: $0)) }
            ?? PKIStore.defaultLocation(inventoryPath: inventory, clusterName: cluster.name)
        let rows = CertificateListing.rows(cluster: cluster, store: store)
        switch format {
        case .table: print(CertificateListing.table(rows), terminator: "")
        case .json: print(try CertificateListing.json(rows), terminator: "")
        }
    }
}
