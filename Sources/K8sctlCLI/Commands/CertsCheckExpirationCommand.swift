import ArgumentParser
import Foundation
import K8sctlPKI

/// `k8sctl certs check-expiration --state DIR`: expiry of every certificate under a directory.
struct CertsCheckExpirationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-expiration",
        abstract: "Show when every certificate under a directory expires (rendered tree, PKI store, copied /etc/kubernetes).",
        discussion: """
        Scans *.crt and *.pem files and the embedded certificates of kubeconfigs (*.conf).
        Exit codes: 0 nothing expired, 1 at least one certificate expired, 2 unusable input.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Option(name: .long, help: "Directory to scan: a rendered tree (k8sctl render --out) or a PKI store.")
    var state: String

    @Option(name: .long, help: "Mark certificates expiring within this many days as `expiring`.")
    var warnWithinDays: Int = 30

    @Option(name: [.short, .long], help: "Output format: table or json.")
    var format: Format = .table

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: state, isDirectory: &isDirectory), isDirectory.boolValue else {
            CommandContext.printError("\(state): not a directory; pass the output of `k8sctl render --out` or a PKI store")
            throw CommandContext.unusableInput
        }
        let rows: [ExpirationCheck.Row]
        do {
            rows = try ExpirationCheck.scan(directory: URL(fileURLWithPath: state), warnWithinDays: warnWithinDays)
        } catch {
            CommandContext.printError("\(error)")
            throw CommandContext.unusableInput
        }
        switch format {
        case .table: print(ExpirationCheck.table(rows), terminator: "")
        case .json: print(try ExpirationCheck.json(rows), terminator: "")
        }
        if rows.contains(where: { $0.status == .expired }) { throw CommandContext.refused }
    }
}
