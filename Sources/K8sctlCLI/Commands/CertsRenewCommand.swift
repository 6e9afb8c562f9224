import ArgumentParser
import Foundation
import K8sctlExecutor
import K8sctlPKI
import K8sctlTransport

/// `k8sctl certs renew FILE [--all | NAME…]`.
struct CertsRenewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew",
        abstract: "Re-issue leaf certificates and roll them onto the hosts, restarting what reads them.",
        discussion: """
        Re-issues the named leaf certificates in the local PKI store (never a CA or the \
        service-account key) with spec.pki.certificateValidityDays, writes the files that changed \
        on each host (atomically; the old ones kept under /var/lib/k8sctl/backup/certs-<time>/), \
        and restarts the components that read them: etcd members one at a time, each healthy \
        before the next; API servers (static pod manifest moved out and back) one at a time, each \
        ready before the next; kubelets in the rollout policy's worker batches. Under the cluster \
        lock; the inventory's hosts must be the applied ones.

        Names (see `k8sctl certs list`): \(CertificateRenewal.renewableNames.joined(separator: ", ")).

        Exit codes: 0 renewed, 1 refused or a host did not come back, 2 unusable input (unknown \
        names, unreachable hosts).
        """)

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Argument(help: "Leaf certificates to renew (catalog names).")
    var names: [String] = []

    @Flag(name: .long, help: "Renew every leaf certificate.")
    var all = false

    @Option(name: .long, help: "Template directory (default: the shipped templates/).")
    var templates: String?

    @Option(name: .long, help: "The local PKI store (default: <inventory dir>/.k8sctl/<cluster>/pki).")
    var pki: String?

    mutating func validate() throws {
        guard all != !names.isEmpty else { throw ValidationError("name the certificates to renew, or pass --all (not both)") }
    }

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory, quietWarnings: true)
        let library = try CommandContext.loadTemplates(explicit: templates)
        let store = pki.map { PKIStore(root: URL(fileURLWithPath: $0)) }
            ?? PKIStore.defaultLocation(inventoryPath: inventory, clusterName: cluster.name)
        let printer = ApplyEventPrinter(format: .text)
        let outcome = try await CommandContext.runMaintenance {
            try await CertificateRenewal().renew(CertificateRenewal.Request(
                cluster: cluster, templates: library, pkiStore: store, connector: HostConnector(settings: cluster.ssh),
                names: all ? [] : names, sink: { printer.handle($0) }))
        }
        print("renewed \(outcome.renewed.count) certificate(s): \(outcome.renewed.joined(separator: ", "))")
        for (host, components) in outcome.restarted.sorted(by: { $0.key < $1.key }) {
            print("  \(host): restarted \(components.joined(separator: ", "))")
        }
    }
}
