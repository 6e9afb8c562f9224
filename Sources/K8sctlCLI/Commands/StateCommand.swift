import ArgumentParser
import Foundation
import K8sctlExecutor
import K8sctlTransport

/// `k8sctl state …`: the applied state k8sctl keeps on the control-plane hosts.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Read the applied state recorded on the cluster.",
        subcommands: [StatePullCommand.self])
}

/// `k8sctl state pull FILE`: prints the inventory applied last (or the whole state as JSON).
struct StatePullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Fetch the inventory applied last from the control-plane hosts.",
        discussion: """
        Connects to the control-plane hosts named in FILE (only its hosts and ssh settings are used)
        and prints the newest applied revision: the inventory as applied (default), or the whole state
        as JSON (revision, time, completed, per-host file checksums). For CI with no local files:
          k8sctl state pull cluster.yaml -o last-applied.yaml
          k8sctl validate cluster.yaml --previous last-applied.yaml
        Exit codes: 0 printed, 1 never applied or no control-plane host answered, 2 unusable input.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case inventory, json }

    @Argument(help: "An inventory naming the cluster's control-plane hosts and how to reach them.")
    var inventory: String

    @Option(name: [.short, .long], help: "Write to this file instead of stdout.")
    var output: String?

    @Option(name: [.short, .long], help: "inventory (the applied YAML) or json (the whole state).")
    var format: Format = .inventory

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory, quietWarnings: true)
        let state: AppliedState?
        do {
            state = try await StatePull().pull(cluster: cluster, connector: HostConnector(settings: cluster.ssh))
        } catch {
            CommandContext.printError("\(error)")
            throw CommandContext.refused
        }
        guard let state else {
            CommandContext.printError("\(cluster.name) has no applied state on its control-plane hosts (never applied with k8sctl)")
            throw CommandContext.refused
        }
        switch format {
        case .inventory:
            let header = "# Applied revision \(state.revision) of \(state.cluster), \(state.appliedAt)"
                + (state.completed ? "" : " (stopped: \(state.stoppedAt ?? "unknown"))") + "\n"
                + (state.rolloutStop.map { "# Stopped at \($0.summary)\n" } ?? "")
            try CommandContext.emit(header + state.inventory, to: output)
        case .json:
            try CommandContext.emit(String(decoding: state.encoded(), as: UTF8.self), to: output)
        }
    }
}
