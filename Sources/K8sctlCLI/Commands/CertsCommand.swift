import ArgumentParser

/// `k8sctl certs …`: the cluster's certificates, from the PKI store or a rendered tree.
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "List, issue and renew a cluster's certificates; check the expiry of certificates in a directory.",
        subcommands: [CertsListCommand.self, CertsEnsureCommand.self, CertsCheckExpirationCommand.self])
}
