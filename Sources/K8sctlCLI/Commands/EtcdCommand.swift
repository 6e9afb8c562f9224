import ArgumentParser

/// `k8sctl etcd …`: backup and disaster recovery of the cluster's etcd.
struct EtcdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etcd",
        abstract: "Take etcd snapshots and restore the cluster from one.",
        subcommands: [EtcdSnapshotCommand.self, EtcdRestoreCommand.self])
}
