import ArgumentParser

/// `k8sctl certs …`: the cluster's certificates, from the PKI store or a rendered tree.
struct CertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "List, issue and renew a cluster's certificates; check their expiry on the hosts or in a directory.",
        subcommands: [CertsListCommand.self, CertsEnsureCommand.self, CertsCheckExpirationCommand.self, CertsRenewCommand.self])
}
