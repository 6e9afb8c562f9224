import ArgumentParser
import K8sctlExecutor
import K8sctlTransport

/// `k8sctl unlock FILE`: break the cluster lock a killed apply left behind.
struct UnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Break the cluster lock left by an apply that was killed.",
        discussion: """
        apply takes a lock on a majority of the control-plane hosts (/var/lib/k8sctl/lock) and \
        releases it when it ends, also on Ctrl-C. A run that was killed (SIGKILL, a lost runner) \
        leaves it behind, and the next apply is refused naming the holder and since when. unlock \
        removes it on every reachable control-plane host, whoever holds it, and prints who held it. \
        Make sure that apply is really gone first: unlock does not check.

        Exit codes: 0 no lock is left on any reachable host, 1 some host could not be reached or \
        unlocked, 2 unusable input.
        """)

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory)
        let report = await StaleLockBreaker().breakLock(cluster: cluster, connector: HostConnector(settings: cluster.ssh))
        for (host, heldBy) in report.broken {
            let fields = heldBy.split(separator: "\t", maxSplits: 1).map(String.init)
            let since = fields.count > 1 ? ", since \(fields[1])" : ""
            print("\(host): broke the lock held by \(fields.first ?? "unknown")\(since)")
        }
        for host in report.free { print("\(host): not locked") }
        for (host, reason) in report.unreachable { CommandContext.printError("\(host): \(reason)") }
        if !report.unreachable.isEmpty { throw CommandContext.refused }
    }
}
