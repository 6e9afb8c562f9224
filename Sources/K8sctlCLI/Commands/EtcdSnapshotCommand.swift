import ArgumentParser
import Foundation
import K8sctlExecutor
import K8sctlPlanning
import K8sctlTransport

/// `k8sctl etcd snapshot FILE [--pull DIR]`.
struct EtcdSnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Take an etcd snapshot on the cluster (verified), optionally copying it here.",
        discussion: """
        Runs the etcd-backup operation (`k8sctl plan --operation etcd-backup` shows it) under the \
        cluster lock: the first etcd member's health, `etcdctl snapshot save` into \
        spec.etcd.snapshotDir under a temporary name, `snapshot status`, rename, and retention of the \
        newest spec.etcd.snapshotRetention snapshots. Prints where the snapshot is, its sha256, \
        etcd revision and key count. With --pull DIR the file is copied into DIR (mode 0600: it \
        holds every Secret of the cluster) and its checksum compared with the host's.

        Exit codes: 0 snapshot taken, 1 the snapshot failed or the lock is held, 2 unusable input \
        (unreachable hosts, a missing --pull directory).
        """)

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Option(name: .long, help: "A local directory to copy the snapshot into (0600).")
    var pull: String?

    @Option(name: .long, help: "File name on the host (default snapshot-<UTC time>.db).")
    var name: String?

    @Option(name: .long, help: "Playbook directory (default: the shipped playbooks/).")
    var playbooks: String?

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory, quietWarnings: true)
        guard let playbookDirectory = ShippedDirectoryLocator.playbooks(explicit: playbooks).locate() else {
            CommandContext.printError("no playbooks found; pass --playbooks DIR or set K8SCTL_PLAYBOOKS")
            throw CommandContext.unusableInput
        }
        let printer = ApplyEventPrinter(format: .text)
        let outcome = try await CommandContext.runMaintenance {
            try await EtcdSnapshotTaker().take(EtcdSnapshotTaker.Request(
                cluster: cluster, inventoryPath: inventory, playbookDirectory: playbookDirectory,
                connector: HostConnector(settings: cluster.ssh), pullDirectory: pull, name: name,
                sink: { printer.handle($0) }))
        }
        print("snapshot \(outcome.host):\(outcome.path)")
        print("  sha256 \(outcome.sha256)  \(outcome.sizeBytes) bytes  etcd revision \(outcome.revision)  \(outcome.totalKeys) keys")
        if let local = outcome.localPath {
            print("pulled \(local) (0600)")
            print("  sha256 \(outcome.sha256)")
        }
    }
}
