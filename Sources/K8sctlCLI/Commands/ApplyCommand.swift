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

        Ctrl-C (SIGINT/SIGTERM) finishes the steps in flight, starts nothing new, records where it
        stopped and releases the lock; run apply again to resume.

        Exit codes: 0 converged, 1 refused or failed (validation, a failed step, rollout stopped),
        2 unusable input.
        """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Flag(name: .long, help: "Roll back: the inventory's version is the one applied before the last upgrade; its saved files and binaries are restored.")
    var rollback = false

    @Flag(name: .long, help: "Write the files only (certificates, manifests, units, configs, binaries): start, restart and wait for nothing. The next full apply starts the services.")
    var filesOnly = false

    @Option(name: .long, help: "Progress output: text (one line per step) or json (one event per line).")
    var output: OutputFormat = .text

    @Option(name: .long, help: "How many hosts work at once.")
    var parallelism: Int = 64

    @Option(name: .long, help: "Playbook directory (default: the shipped playbooks/).")
    var playbooks: String?

    @Option(name: .long, help: "Template directory (default: the shipped templates/).")
    var templates: String?

    @Option(name: .long, help: "The local PKI store (default: <inventory dir>/.k8sctl/<cluster>/pki).")
    var pki: String?

    mutating func validate() throws {
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
        if filesOnly && rollback {
            CommandContext.printError("--files-only and --rollback cannot be combined: a rollback restores files and restarts services in one planned order")
            throw CommandContext.unusableInput
        }
    }

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory)
        guard let playbookDirectory = ShippedDirectoryLocator.playbooks(explicit: playbooks).locate() else {
            CommandContext.printError("no playbooks found; pass --playbooks DIR or set K8SCTL_PLAYBOOKS")
            throw CommandContext.unusableInput
        }
        let library = try CommandContext.loadTemplates(explicit: templates)
        let store = pki.map { PKIStore(root: URL(fileURLWithPath: $0)) }
            ?? PKIStore.defaultLocation(inventoryPath: inventory, clusterName: cluster.name)
        if cluster.ssh.hostKeyPolicy == .insecureIgnore {
            CommandContext.printError("warning: hostKeyPolicy insecure-ignore: host keys are not verified; anyone on the path can impersonate a host")
        }

        let printer = ApplyEventPrinter(format: output)
        let interrupt = InterruptFlag()
        let signals = SignalTrap(interrupt: interrupt) {
            printer.note("interrupt: finishing the steps in flight, starting nothing new (Ctrl-C again to force quit)")
        }
        defer { signals.restore() }

        var request = ApplyRequest(inventoryPath: inventory, desired: cluster, playbookDirectory: playbookDirectory,
                                   templates: library, pkiStore: store, connector: HostConnector(settings: cluster.ssh),
                                   parallelism: parallelism, sink: { printer.handle($0) }, interrupt: interrupt)
        request.rollback = rollback
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
