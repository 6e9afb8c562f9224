import ArgumentParser
import K8sctlExecutor
import K8sctlTransport

/// `k8sctl abort FILE`: ask the running apply, wherever it runs, to stop after its batch in flight.
struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Ask the running apply to stop after the batch in flight (from any machine).",
        discussion: """
        Writes an abort request next to the cluster lock on the control-plane hosts \
        (/var/lib/k8sctl/abort: who asked, when, and which lock holder it is for). The apply holding \
        the lock reads it before each batch: the batch in flight finishes (its hosts are changed, \
        back and uncordoned), no further batch starts, the state records where it stopped and who \
        aborted, and the lock is released. `k8sctl apply` again resumes, skipping hosts already done. \
        A request is only ever obeyed by the run it was made against: the next apply removes a \
        leftover one when it takes the lock. Same effect as Ctrl-C on the running apply.

        Exit codes: 0 the request was written, 1 no apply is running (no lock on any reachable \
        control-plane host) or no control-plane host could be reached, 2 unusable input.
        """)

    @Argument(help: "The inventory file (only its control-plane hosts and ssh settings are used).")
    var inventory: String

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory, quietWarnings: true)
        let report = await RolloutAbort().request(cluster: cluster, connector: HostConnector(settings: cluster.ssh))
        for (host, reason) in report.unreachable { CommandContext.printError("\(host): \(reason)") }
        guard !report.requested.isEmpty else {
            if report.notRunning.isEmpty {
                CommandContext.printError("could not reach any control-plane host of \(cluster.name); no abort was requested")
            } else {
                CommandContext.printError("no apply is running on \(cluster.name): no cluster lock on \(report.notRunning.joined(separator: ", ")); nothing to abort")
            }
            throw CommandContext.refused
        }
        let since = report.requested.first.map { $0.owner.split(separator: "\t").dropFirst().first.map(String.init) ?? "unknown" } ?? "unknown"
        print("asked the apply held by \(report.holders.joined(separator: ", ")) (running since \(since)) to stop after its batch in flight "
            + "(request written on \(report.requested.map(\.host).joined(separator: ", ")))")
        print("it records where it stopped and releases the lock; `k8sctl apply \(inventory)` resumes. "
            + "If that apply was killed, nothing will read the request: `k8sctl unlock \(inventory)` removes both.")
    }
}
