import ArgumentParser
import Foundation
import K8sctlExecutor
import K8sctlTransport

/// `k8sctl status FILE`: the cluster as it is now, against what the last apply left.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the applied revision, the lock, and each host's services, etcd health and drift.",
        discussion: """
        Reads the cluster and changes nothing: the newest applied state on the control-plane hosts \
        (revision, when, whether it completed, files-only, stopped), the cluster lock, whether FILE \
        is the inventory applied last, and for every host in FILE: reachable, containerd/kubelet/etcd \
        units, component versions, etcd member health, clock skew, and the managed files whose \
        content is no longer what the last apply wrote (edited by hand, or a run that stopped).
        One SSH connection and one round trip per host.

          k8sctl status cluster.yaml             # table, then what needs attention
          k8sctl status cluster.yaml -o json     # the same for scripts and monitoring

        Exit codes: 0 healthy and converged (nothing needs attention), 1 something needs attention \
        (listed), 2 unusable input.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Option(name: [.short, .long], help: "text (default) or json.")
    var output: Format = .text

    @Option(help: "How many hosts to connect to at once.")
    var parallelism: Int = 64

    func validate() throws {
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
    }

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory, quietWarnings: true)
        let status = await ClusterStatusProbe(parallelism: parallelism).probe(cluster: cluster, connector: HostConnector(settings: cluster.ssh))
        switch output {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var object = try JSONSerialization.jsonObject(with: encoder.encode(status)) as? [String: Any] ?? [:]
            object["attention"] = status.attention
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        case .text:
            print(StatusText(status).rendered, terminator: "")
        }
        if !status.attention.isEmpty { throw CommandContext.refused }
    }
}
