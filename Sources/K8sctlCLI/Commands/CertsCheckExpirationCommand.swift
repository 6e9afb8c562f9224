import ArgumentParser
import Foundation
import K8sctlExecutor
import K8sctlPKI
import K8sctlTransport

/// `k8sctl certs check-expiration INVENTORY | --state DIR`: expiry of every certificate on the
/// cluster's hosts, or under a local directory.
struct CertsCheckExpirationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-expiration",
        abstract: "Show when every certificate expires: on the cluster's hosts, or under a local directory.",
        discussion: """
        With INVENTORY: connects to every host and reads /etc/kubernetes/pki/**/*.crt and the \
        client certificates embedded in /etc/kubernetes/*.conf, one round trip per host (private \
        keys never leave the hosts; no lock is taken). With --state DIR: scans *.crt, *.pem and \
        *.conf under a rendered tree, a PKI store or a copied /etc/kubernetes.

        Certificates expiring within --within days are `expiring`. For CI and cron:
          k8sctl certs check-expiration cluster.yaml --within 30 --fail-on expiring -f json
        Exit codes: 0 nothing at or past the --fail-on level (default: expired), 1 something is \
        (or a host could not be read), 2 unusable input.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
    enum FailOn: String, ExpressibleByArgument, CaseIterable { case expired, expiring, never }

    @Argument(help: "The inventory file: check the certificates on its hosts.")
    var inventory: String?

    @Option(name: .long, help: "Instead of hosts, scan this directory: a rendered tree (k8sctl render --out) or a PKI store.")
    var state: String?

    @Option(name: [.customLong("within"), .customLong("warn-within-days")], help: "Mark certificates expiring within this many days as `expiring`.")
    var within: Int = 30

    @Option(name: .long, help: "Exit 1 when a certificate is expired (default), expired or expiring, or never.")
    var failOn: FailOn = .expired

    @Option(name: [.short, .long], help: "Output format: table or json.")
    var format: Format = .table

    mutating func validate() throws {
        guard (inventory == nil) != (state == nil) else { throw ValidationError("give an inventory (check the hosts) or --state DIR (a local tree), not both") }
        guard within >= 0 else { throw ValidationError("--within must be 0 or more days") }
    }

    func run() async throws {
        var rows: [ExpirationCheck.Row]
        var incomplete = false
        if let state {
            rows = try scan(state)
        } else {
            let cluster = try CommandContext.loadCluster(path: inventory!, quietWarnings: true)
            let outcome = await LiveCertificateCheck().check(cluster: cluster, connector: HostConnector(settings: cluster.ssh), withinDays: within)
            rows = outcome.rows
            for (host, reason) in outcome.unreachable.sorted(by: { $0.key < $1.key }) { CommandContext.printError("\(host): not checked: \(reason)") }
            for problem in outcome.problems { CommandContext.printError(problem) }
            incomplete = !outcome.unreachable.isEmpty || !outcome.problems.isEmpty
        }
        switch format {
        case .table: print(ExpirationCheck.table(rows), terminator: "")
        case .json: print(try ExpirationCheck.json(rows), terminator: "")
        }
        let failing: Set<ExpirationCheck.Status> = switch failOn {
        case .expired: [.expired]
        case .expiring: [.expired, .expiring]
        case .never: []
        }
        if incomplete || rows.contains(where: { failing.contains($0.status) }) { throw CommandContext.refused }
    }

    private func scan(_ directory: String) throws -> [ExpirationCheck.Row] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            CommandContext.printError("\(directory): not a directory; pass the output of `k8sctl render --out` or a PKI store")
            throw CommandContext.unusableInput
        }
        do {
            return try ExpirationCheck.scan(directory: URL(fileURLWithPath: directory), warnWithinDays: within)
        } catch {
            CommandContext.printError("\(error)")
            throw CommandContext.unusableInput
        }
    }
}
