import ArgumentParser
import Foundation
import K8sctlExecutor
import K8sctlTransport

/// `k8sctl etcd restore FILE SNAPSHOT [--yes]`.
struct EtcdRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Disaster recovery: restore every etcd member from one snapshot.",
        discussion: """
        SNAPSHOT is a local file (uploaded to every etcd member, checksum-verified) or, when no such \
        local file exists, an absolute path on the etcd hosts (copied to members that lack it).

        Before anything stops: every host must answer, the snapshot must be identical on every \
        member and restore cleanly beside each live data directory (the integrity check). Then, \
        after confirmation: the API servers' static pods are parked (so nothing writes), etcd stops \
        on every member, each data directory is moved aside to <dataDir>.before-restore-<time> \
        (never deleted) and the restored one takes its place with a new cluster token, etcd starts \
        on every member, membership and health are verified, and the control plane comes back \
        (/readyz on every control-plane host). Everything written after the snapshot is lost.

        Exit codes: 0 restored, 1 the restore failed partway (the message says where and what is \
        kept), 2 nothing was changed: a missing or corrupt snapshot, unreachable hosts, or no \
        confirmation (--yes, or answer `yes` on a terminal).
        """)

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Argument(help: "The snapshot: a local file, or an absolute path on the etcd hosts.")
    var snapshot: String

    @Flag(name: .long, help: "Do not ask for confirmation (for scripts).")
    var yes = false

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory, quietWarnings: true)
        let assumeYes = yes
        let interactive = isatty(STDIN_FILENO) == 1
        if !assumeYes && !interactive {
            CommandContext.printError("etcd restore stops the control plane and replaces etcd's data: pass --yes to confirm when not on a terminal; nothing was changed")
            throw CommandContext.unusableInput
        }
        let printer = ApplyEventPrinter(format: .text)
        let outcome = try await CommandContext.runMaintenance {
            try await EtcdRestore().restore(EtcdRestore.Request(
                cluster: cluster, connector: HostConnector(settings: cluster.ssh), snapshot: snapshot,
                confirm: { summary in
                    FileHandle.standardOutput.write(Data((summary + "\n").utf8))
                    if assumeYes { return true }
                    FileHandle.standardOutput.write(Data("Type yes to restore: ".utf8))
                    return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
                },
                sink: { printer.handle($0) }))
        }
        print("restored etcd on \(outcome.members.joined(separator: ", ")) from sha256 \(outcome.sha256) (etcd revision \(outcome.revision)), cluster token \(outcome.token)")
        for (host, path) in outcome.movedAside.sorted(by: { $0.key < $1.key }) {
            print("  \(host): previous data kept at \(path)")
        }
    }
}
