import K8sctlModel
import K8sctlPlanning
import K8sctlTransport

/// Everything a step needs besides its own parameters: the host's connection and rendered files,
/// the cluster, and what earlier steps of this run changed on the host. (`become: sudo` is applied
/// by the connection itself to every command.)
struct StepContext: Sendable {
    let cluster: Cluster
    let host: Host
    let connection: any RemoteHost
    /// The host's desired files by node path (rendered templates and PKI material).
    let files: [String: NodeFile]
    /// The host's PKI files (certificates, keys, service-account keys).
    let pkiFiles: [NodeFile]
    let artifacts: ArtifactStore
    /// Per-revision backup directory for replaced files, e.g. /var/lib/k8sctl/backup/7.
    let backupDirectory: String?
    /// Connections to the other hosts, for steps that act through a member that stays (etcd).
    let peers: @Sendable (String) async -> (any RemoteHost)?
    let changes: ChangeLedger
    /// Hosts new in this run (not in the previous revision): their API servers may not run yet,
    /// so requests through the control plane go through established hosts first.
    var joining: Set<String> = []

    func run(_ arguments: [String], stdin: [UInt8]? = nil, timeout: TimeSpan? = nil) async throws -> CommandResult {
        try await connection.run(RemoteCommand(arguments, standardInput: stdin, timeout: timeout))
    }

    /// Runs and throws `StepFailure` with the stderr tail when the command does not succeed.
    @discardableResult
    func require(_ arguments: [String], stdin: [UInt8]? = nil, timeout: TimeSpan? = nil) async throws -> CommandResult {
        let result = try await run(arguments, stdin: stdin, timeout: timeout)
        guard result.succeeded else {
            throw StepFailure(command: RemoteCommand(arguments).shellText, outcome: result.outcomeDescription,
                              stderr: result.stderrTail())
        }
        return result
    }
}

/// A step that ran and did not succeed.
struct StepFailure: Error, Sendable, CustomStringConvertible {
    var command: String
    var outcome: String
    var stderr: String
    var description: String {
        if command.isEmpty { return outcome }
        return "\(outcome)\n  command: \(command)" + (stderr.isEmpty ? "" : "\n  stderr: \(stderr)")
    }
    static func message(_ text: String) -> StepFailure { StepFailure(command: "", outcome: text, stderr: "") }
}

/// Which managed paths each host had written during this run, so units restart only when a file
/// they read changed.
actor ChangeLedger {
    private var written: [String: Set<String>] = [:]
    /// host → static pod → the mirror pod's `kubernetes.io/config.hash` read just before this run
    /// replaced its manifest (`StaticPodReplacement`).
    private var configHashes: [String: [String: String]] = [:]
    func record(host: String, paths: [String]) {
        written[host, default: []].formUnion(paths)
        if paths.contains(where: { $0.hasPrefix(Self.unitDirectory) }) { unitWrites[host, default: 0] += 1 }
    }
    /// Where k8sctl's units and drop-ins live: a change there needs a `systemctl daemon-reload`.
    static let unitDirectory = "/etc/systemd/system/"
    /// host → how many writes changed a unit file or drop-in, and how many of them the host's last
    /// `daemon-reload` in this run came after.
    private var unitWrites: [String: Int] = [:]
    private var unitWritesReloaded: [String: Int] = [:]
    func unitFilesChangedSinceReload(host: String) -> Bool { (unitWrites[host] ?? 0) > (unitWritesReloaded[host] ?? 0) }
    func recordReload(host: String) { unitWritesReloaded[host] = unitWrites[host] ?? 0 }
    func paths(host: String) -> Set<String> { written[host] ?? [] }
    func recordConfigHash(host: String, pod: String, hash: String) { configHashes[host, default: [:]][pod] = hash }
    func configHashBeforeChange(host: String, pod: String) -> String? { configHashes[host]?[pod] }
    /// host → the `initial-cluster` etcd's member list gave when the host's member was added in this
    /// run (`EtcdJoinMembership`): it goes into the joining member's etcd.env instead of the rendered one.
    private var joinMembership: [String: String] = [:]
    func recordJoin(host: String, initialCluster: String) { joinMembership[host] = initialCluster }
    func joinInitialCluster(host: String) -> String? { joinMembership[host] }
}
