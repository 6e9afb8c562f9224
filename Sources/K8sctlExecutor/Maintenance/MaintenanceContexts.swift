import Foundation
import K8sctlModel
import K8sctlTransport

/// Step contexts for running a maintenance plan's steps (snapshot, health waits) on hosts: no
/// rendered files, no PKI files and no backups — those steps write nothing apply manages.
enum MaintenanceContexts {
    static func make(cluster: Cluster, hosts: [K8sctlModel.Host], pool: HostPool, inventoryPath: String) async -> [String: StepContext] {
        let ledger = ChangeLedger()
        let peers: @Sendable (String) async -> (any RemoteHost)? = { name in await pool.connection(name) }
        var contexts: [String: StepContext] = [:]
        for host in hosts {
            guard let connection = await pool.connection(host.name) else { continue }
            contexts[host.name] = StepContext(
                cluster: cluster, host: host, connection: connection, files: [:], pkiFiles: [],
                artifacts: ArtifactStore(settings: cluster.artifacts,
                                         baseDirectory: URL(fileURLWithPath: inventoryPath).deletingLastPathComponent()),
                backupDirectory: nil, peers: peers, changes: ledger)
        }
        return contexts
    }
}
