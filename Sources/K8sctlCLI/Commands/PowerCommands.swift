import ArgumentParser
import Foundation
import K8sctlExecutor
import K8sctlPKI
import K8sctlPlanning
import K8sctlTransport

/// What `stop` and `start` share: the inventory and the options of every command that runs a plan.
struct PowerOptions: ParsableArguments {
    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster); must equal the applied one.")
    var inventory: String

    @OptionGroup var options: ApplyRunOptions

    /// Loads everything, runs `kind`, prints progress; exit 1 when refused or failed, 2 for unusable input.
    func run(_ kind: ClusterPowerOperation.Kind) async throws {
        let cluster = try CommandContext.loadCluster(path: inventory)
        let playbookDirectory = try options.playbookDirectory()
        let library = try options.templateLibrary()
        let printer = ApplyEventPrinter(format: options.output)
        let interrupt = InterruptFlag()
        let signals = SignalTrap(interrupt: interrupt) {
            printer.note("interrupt: finishing the batch in flight, then stopping (Ctrl-C again to stop at once)")
        }
        defer { signals.restore() }
        let request = ApplyRequest(inventoryPath: inventory, desired: cluster, playbookDirectory: playbookDirectory,
                                   templates: library, pkiStore: options.pkiStore(inventory: inventory, clusterName: cluster.name),
                                   connector: HostConnector(settings: cluster.ssh), parallelism: options.parallelism,
                                   sink: { printer.handle($0) }, interrupt: interrupt)
        let report: ApplyReport
        do {
            report = try await ClusterPowerOperation(kind).run(request)
        } catch {
            CommandContext.printError("\(error)")
            throw CommandContext.refused
        }
        printer.finish(report, success: kind == .stop ? "stopped" : "started")
        if !report.succeeded {
            CommandContext.printError("`k8sctl \(kind.rawValue)` did not finish; run it again (completed steps are ok the second time)")
            throw CommandContext.refused
        }
    }
}

/// `k8sctl stop FILE`: stop the whole cluster's services, workers first, etcd last.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop every k8sctl-managed service of the cluster: workers, then control plane, then etcd.",
        discussion: """
        For test and staging clusters that should cost nothing overnight. Under the cluster lock:
        the workers' kubelet and containerd stop first, then the control plane's (which stops its
        static pods), then every etcd member. Nothing on disk changes; units stay enabled, so a
        reboot brings the cluster back. The applied state records the stop before anything is
        stopped, and `apply` refuses a stopped cluster until `k8sctl start`.

        The inventory must be the one applied last (a change is made with apply, not with stop).
        Every host must be reachable; there is no host filter (stopping some etcd members could
        cost quorum).

        Exit codes: 0 stopped, 1 refused or a step failed (run it again), 2 unusable input.
        """)

    @OptionGroup var options: PowerOptions

    func run() async throws { try await options.run(.stop) }
}

/// `k8sctl start FILE`: start a stopped cluster, etcd first, and wait until it serves.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a stopped cluster: etcd, then the control plane, then the workers; wait until Ready.",
        discussion: """
        Under the cluster lock: every etcd member starts together (a stopped cluster has no quorum to
        protect) and each must answer /health; then the control plane's containerd and kubelet, and
        every API server must answer /readyz; then the workers; finally every Node must be Ready with
        a heartbeat posted since its kubelet started. The stop record is cleared only when all of
        that succeeded. Starting a running cluster changes nothing.

        Exit codes: 0 started, 1 refused or a step failed (run it again), 2 unusable input.
        """)

    @OptionGroup var options: PowerOptions

    func run() async throws { try await options.run(.start) }
}
