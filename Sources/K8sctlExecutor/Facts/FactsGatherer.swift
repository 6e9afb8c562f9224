import K8sctlModel
import K8sctlRendering
import K8sctlTransport

/// Gathers a host's facts with one command: the managed files' checksums, unit states, component
/// versions and, on etcd members, the member list and health.
public struct FactsGatherer: Sendable {
    /// Where the local etcd member answers and the client certificate to ask it with.
    public struct EtcdProbe: Sendable, Hashable {
        public var endpoint: String
        public var caFile: String
        public var certFile: String
        public var keyFile: String
        public init(endpoint: String, caFile: String, certFile: String, keyFile: String) {
            self.endpoint = endpoint
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
        }

        /// The member on `host`, asked with the healthcheck-client certificate every etcd host has
        /// (apply's facts and `k8sctl status` probe alike).
        public static func healthcheck(_ host: Host, in cluster: Cluster) -> EtcdProbe {
            EtcdProbe(endpoint: "https://\(host.clusterAddress.urlHost):\(cluster.etcd.clientPort)",
                      caFile: NodePaths.etcdPKI + "/ca.crt",
                      certFile: NodePaths.etcdPKI + "/healthcheck-client.crt",
                      keyFile: NodePaths.etcdPKI + "/healthcheck-client.key")
        }
    }

    public init() {}

    /// The command that gathers facts; also used by tests to run the script locally.
    /// - Parameters:
    ///   - paths: managed files whose sha256, mode and owner to report.
    ///   - units: systemd units whose state to report.
    ///   - versions: components (`kubelet`, `etcd`…) whose `--version` to run; each is a process
    ///     start on the node, so only those the caller needs.
    ///   - sweeping: directories in which to remove staging directories a killed writer left; only
    ///     a caller holding the cluster lock may pass any (a live writer's would go too).
    public func command(paths: [String], units: [String], versions: [String] = [], etcd: EtcdProbe?,
                        sweeping: [String] = []) -> RemoteCommand {
        let etcdArguments = etcd.map { [$0.endpoint, $0.caFile, $0.certFile, $0.keyFile] } ?? ["", "", "", ""]
        let arguments = ["/bin/sh", "-c", FactsScript.text, "k8sctl-facts"] + etcdArguments
            + [String(units.count)] + units + [String(versions.count)] + versions
            + [String(sweeping.count)] + sweeping + paths
        return RemoteCommand(arguments)
    }

    public func gather(on host: any RemoteHost, paths: [String], units: [String], versions: [String] = [],
                       etcd: EtcdProbe?, sweeping: [String] = []) async throws -> HostFacts {
        let result = try await host.run(command(paths: paths, units: units, versions: versions, etcd: etcd, sweeping: sweeping))
        guard result.succeeded else {
            throw ExecutorError.factsFailed(host: host.name, outcome: result.outcomeDescription, stderr: result.stderrTail())
        }
        return FactsGatherer.parse(result.stdout)
    }

    public static func parse(_ output: String) -> HostFacts { FactsParser.parse(output) }
}
