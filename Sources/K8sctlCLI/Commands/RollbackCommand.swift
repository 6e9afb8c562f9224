import ArgumentParser
import Foundation
import K8sctlExecutor
import K8sctlPKI
import K8sctlPlanning
import K8sctlTransport

/// `k8sctl rollback FILE [--to REVISION] [--force]`: return the hosts to an earlier applied revision.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Return the hosts to an earlier applied revision (default: the previous one).",
        discussion: """
        Reads the applied state and the saved revisions (/var/lib/k8sctl/revisions/N.yaml) from the \
        control-plane hosts, so the inventory file's version need not be edited: FILE only names the \
        control-plane hosts and how to reach them. The default target is the newest revision before \
        the current one with a different inventory. A version downgrade restores the files and \
        binaries the upgrade saved (/var/lib/k8sctl/backup/v<version>), workers first, then the \
        control plane in reverse order; a same-version revision's files are rendered again.

        Refused up front, nothing touched (exit 2): a revision that does not exist (the existing ones \
        are listed), a target that is newer (an upgrade: use apply), hosts added, removed or with \
        changed roles between the revisions (rollback does not change membership), backups missing on \
        a host. Refused unless --force: an etcd version change that may have changed its storage \
        format (the way back for the data is `k8sctl etcd restore` with the pre-upgrade snapshot, which \
        is named), a Kubernetes minor downgrade.

        After a rollback the inventory file still describes the revision rolled back from: update it \
        (`k8sctl state pull FILE -o FILE`) or the next apply upgrades again.

        Exit codes: 0 rolled back, 1 the rollback ran and failed or stopped (run it again), 2 refused \
        or unusable input.
        """)

    @Argument(help: "The inventory file (its control-plane hosts and ssh settings are used).")
    var inventory: String

    @Option(name: .long, help: ArgumentHelp("The revision to return to (default: the previous one).", valueName: "revision"))
    var to: Int?

    @Flag(name: .long, help: "Go ahead despite the refusals marked as overridable (etcd storage format, Kubernetes minor).")
    var force = false

    @OptionGroup var options: ApplyRunOptions

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory, quietWarnings: true)
        let playbookDirectory = try options.playbookDirectory()
        let library = try options.templateLibrary()

        let outcome: RollbackPreparation.Outcome
        do {
            outcome = try await RollbackPreparation().prepare(inventory: cluster, requested: to, connector: HostConnector(settings: cluster.ssh))
        } catch {
            CommandContext.printError("\(error)")
            throw CommandContext.refused
        }
        let prepared: PreparedRollback
        switch outcome {
        case .refused(let refusals):
            for refusal in refusals { CommandContext.printError("rollback refused: \(refusal)") }
            CommandContext.printError("nothing was changed")
            throw CommandContext.unusableInput
        case .ready(let ready):
            prepared = ready
        }
        let assessment = prepared.assessment
        if prepared.resumesStoppedRollback {
            print("revision \(prepared.currentRevision) is a rollback to Kubernetes \(prepared.target.kubernetes.version) that stopped partway: resuming it")
        }
        print("rollback of \(cluster.name): revision \(prepared.currentRevision) (Kubernetes \(prepared.current.kubernetes.version), "
            + "etcd \(prepared.current.etcdVersion)) → revision \(prepared.targetRevision) (Kubernetes \(prepared.target.kubernetes.version), "
            + "etcd \(prepared.target.etcdVersion)); " + (assessment.usesBackups ? "restoring \(assessment.backupDirectory)" : "rendering its files again"))
        let stopping = force ? assessment.blocking : assessment.refusals
        for refusal in assessment.refusals {
            let label = stopping.contains(refusal) ? "rollback refused" : "warning (--force)"
            CommandContext.printError("\(label): \(refusal)")
        }
        guard stopping.isEmpty else {
            if !force && assessment.blocking.isEmpty { CommandContext.printError("--force goes ahead anyway, at the risk named above") }
            CommandContext.printError("nothing was changed")
            throw CommandContext.unusableInput
        }

        let store = options.pkiStore(inventory: inventory, clusterName: cluster.name)
        let printer = ApplyEventPrinter(format: options.output)
        let interrupt = InterruptFlag()
        let signals = SignalTrap(interrupt: interrupt) {
            printer.note("interrupt: finishing the batch in flight, then stopping (Ctrl-C again to stop at once)")
        }
        defer { signals.restore() }
        var request = ApplyRequest(inventoryPath: inventory, desired: prepared.target, playbookDirectory: playbookDirectory,
                                   templates: library, pkiStore: store, connector: HostConnector(settings: prepared.target.ssh),
                                   parallelism: options.parallelism, sink: { printer.handle($0) }, interrupt: interrupt)
        request.rollback = assessment.usesBackups
        request.rollbackDirective = prepared.directive
        let report: ApplyReport
        do {
            report = try await Applier().apply(request)
        } catch {
            CommandContext.printError("\(error)")
            throw CommandContext.refused
        }
        printer.finish(report)
        guard report.succeeded else {
            CommandContext.printError("the rollback did not finish; run `k8sctl rollback \(inventory)` again to resume it")
            throw CommandContext.refused
        }
        CommandContext.printError("the cluster now runs revision \(prepared.targetRevision)'s inventory (recorded as revision \(report.revision ?? 0)); "
            + "\(inventory) still describes revision \(prepared.currentRevision): update it (`k8sctl state pull \(inventory) -o \(inventory)`) "
            + "before the next apply, or that apply upgrades again")
    }
}
