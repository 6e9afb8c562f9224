import ArgumentParser
import Foundation
import K8sctlExecutor
import K8sctlModel
import K8sctlPKI
import K8sctlPlanning
import K8sctlRendering
import K8sctlTransport

/// `k8sctl apply FILE`: converge the hosts to the inventory over SSH.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Converge the hosts to the inventory over SSH: install, or change what differs.",
        discussion: """
        Connects to every host (one reused SSH connection each), takes the cluster lock, reads the
        revision applied last from the control-plane hosts, validates the change, ensures
        certificates, gathers facts in one round trip per host, plans, and runs the plan in
        batches. Nothing is written before all checks pass. A second apply with the same inventory
        changes nothing.

        --files-only stages hosts before a maintenance window: every file the plan would write
        (certificates and keys, static pod manifests, units, configs, binaries) goes to the hosts,
        atomically, one stream per host; no service is started or restarted, no command runs and
        nothing waits for etcd or the API server. The preflight checks that concern starting
        services (swap, systemd, free ports, kernel modules) are left to the full apply, so hosts
        without systemd can be staged too. The revision is recorded as "files only", not
        completed: the next `k8sctl apply` runs the same plan, finds the files in place and starts
        the services. Hosts whose k8sctl services already run are refused when their files would
        change (staged files there would take effect unplanned or never).

        Ctrl-C (SIGINT/SIGTERM), or `k8sctl abort` from anywhere, lets the batch in flight finish
        (its hosts end up fully changed and uncordoned), starts no further batch, records where it
        stopped and releases the lock; a second Ctrl-C stops at once (the state says which hosts may
        be half-done). Run apply again to resume: hosts already done are skipped. With --files-only,
        Ctrl-C finishes the hosts being staged and starts no other; `k8sctl abort` is not read.

        Exit codes: 0 converged, 1 refused or failed (validation, a failed step, rollout stopped),
        2 unusable input.
        """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Flag(name: .long, help: "Roll back: the inventory's version is the one applied before the last upgrade; its saved files and binaries are restored.")
    var rollback = false

    @OptionGroup var options: ApplyRunOptions

    @Option(name: .long, parsing: .singleValue,
            help: "A host removed from the inventory that is dead: remove its Node and etcd member through the hosts that stay, run nothing on it (repeatable).")
    var removeUnreachable: [String] = []

    @Flag(name: .long, help: "Write the files only (certificates, manifests, units, configs, binaries): start, restart and wait for nothing. The next full apply starts the services.")
    var filesOnly = false

    mutating func validate() throws {
        guard filesOnly else { return }
        if rollback {
            CommandContext.printError("--files-only and --rollback cannot be combined: a rollback restores files and restarts services in one planned order")
            throw CommandContext.unusableInput
        }
        if !removeUnreachable.isEmpty {
            // Removing a dead host acts through the hosts that stay (Node and etcd member deletion):
            // that is the kind of work --files-only promises not to do.
            CommandContext.printError("--files-only and --remove-unreachable cannot be combined: removing a host deletes its Node and etcd member, which is not a file; run the removal as a full apply")
            throw CommandContext.unusableInput
        }
    }

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory)
        let playbookDirectory = try options.playbookDirectory()
        let library = try options.templateLibrary()
        let store = options.pkiStore(inventory: inventory, clusterName: cluster.name)
        if cluster.ssh.hostKeyPolicy == .insecureIgnore {
            CommandContext.printError("warning: hostKeyPolicy insecure-ignore: host keys are not verified; anyone on the path can impersonate a host")
        }

        let printer = ApplyEventPrinter(format: options.output)
        let interrupt = InterruptFlag()
        let signals = SignalTrap(interrupt: interrupt) {
            printer.note("interrupt: finishing the batch in flight, then stopping (Ctrl-C again to stop at once)")
        } onSecond: {
            printer.note("second interrupt: starting no new step; steps running now finish (Ctrl-C again to quit, leaving the lock)")
        }
        defer { signals.restore() }

        var request = ApplyRequest(inventoryPath: inventory, desired: cluster, playbookDirectory: playbookDirectory,
                                   templates: library, pkiStore: store, connector: HostConnector(settings: cluster.ssh),
                                   parallelism: options.parallelism, sink: { printer.handle($0) }, interrupt: interrupt)
        request.rollback = rollback
        request.removeUnreachable = Set(removeUnreachable)
        request.filesOnly = filesOnly
        let report: ApplyReport
        do {
            report = try await Applier().apply(request)
        } catch let error as ExecutorError {
            CommandContext.printError("\(error)")
            throw CommandContext.refused
        } catch {
            CommandContext.printError("\(error)")
            throw CommandContext.refused
        }
        printer.finish(report)
        if !report.succeeded {
            if report.stoppedReason != nil { CommandContext.printError("run `k8sctl apply \(inventory)` again to resume; completed steps are not repeated") }
            throw CommandContext.refused
        }
    }
}
