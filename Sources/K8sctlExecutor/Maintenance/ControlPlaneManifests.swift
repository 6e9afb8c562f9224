import K8sctlModel
import K8sctlRendering
import K8sctlTransport

/// Stops and starts static pods the way the kubelet expects: a manifest moved out of the manifest
/// directory makes the kubelet stop the pod, moved back makes it start it again. Needs no CRI tool
/// (crictl) and works for any kubelet; stopping the kubelet itself would leave the containers
/// running. Parked manifests wait in `parkingDirectory`, which the kubelet does not watch, so a
/// run that stops halfway leaves them where `unpark` (or the next apply) puts them back.
struct ControlPlaneManifests {
    static let parkingDirectory = NodePaths.kubernetesDirectory + "/manifests.k8sctl-parked"

    enum Component: String, CaseIterable, Sendable {
        case etcd, kubeAPIServer = "kube-apiserver", kubeControllerManager = "kube-controller-manager", kubeScheduler = "kube-scheduler"
        var manifestName: String { rawValue + ".yaml" }
    }

    /// Moves each component's manifest to the parking directory; a manifest already parked (an
    /// earlier run stopped) stays parked. Returns the components that are now parked.
    static let parkScript = #"""
    set -eu
    from=$1; to=$2; shift 2
    mkdir -p "$to"; chmod 700 "$to"
    for name in "$@"; do
      if [ -f "$from/$name" ]; then mv -f "$from/$name" "$to/$name"; fi
      if [ -f "$to/$name" ]; then echo "$name"; fi
    done
    sync
    """#

    /// Moves parked manifests back; one the manifest directory already has again is left there
    /// (and its parked copy kept aside with a suffix, never deleted).
    static let unparkScript = #"""
    set -eu
    from=$1; to=$2; shift 2
    for name in "$@"; do
      [ -f "$from/$name" ] || continue
      if [ -f "$to/$name" ]; then mv -f "$from/$name" "$from/$name.superseded"; else mv -f "$from/$name" "$to/$name"; echo "$name"; fi
    done
    rmdir "$from" 2>/dev/null || true
    sync
    """#

    @discardableResult
    static func park(_ components: [Component], on connection: any RemoteHost) async throws -> [String] {
        try await move(parkScript, from: NodePaths.manifests, to: parkingDirectory, components, on: connection)
    }

    @discardableResult
    static func unpark(_ components: [Component], on connection: any RemoteHost) async throws -> [String] {
        try await move(unparkScript, from: parkingDirectory, to: NodePaths.manifests, components, on: connection)
    }

    private static func move(_ script: String, from: String, to: String, _ components: [Component],
                             on connection: any RemoteHost) async throws -> [String] {
        let result = try await connection.run(RemoteCommand(["/bin/sh", "-c", script, "k8sctl-manifests", from, to]
                                                            + components.map(\.manifestName)))
        guard result.succeeded else {
            throw ExecutorError.stepFailed(host: connection.name, step: "move static pod manifests", command: "mv \(from) → \(to)",
                                           outcome: result.outcomeDescription, stderr: result.stderrTail())
        }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// Polls `probe` on the node until it succeeds (`untilSucceeds`) or fails, within `seconds`;
    /// the loop runs on the node (one round trip).
    static func wait(on connection: any RemoteHost, _ probe: [String], untilSucceeds: Bool, seconds: Int) async throws -> Bool {
        let loop = #"""
        want=$1; t=$2; shift 2
        end=$(( $(date +%s) + t ))
        while :; do
          if "$@" >/dev/null 2>&1; then got=up; else got=down; fi
          [ "$got" = "$want" ] && exit 0
          [ "$(date +%s)" -ge "$end" ] && exit 1
          sleep 1
        done
        """#
        let result = try await connection.run(RemoteCommand(["/bin/sh", "-c", loop, "k8sctl-wait", untilSucceeds ? "up" : "down", String(seconds)] + probe,
                                                            timeout: .seconds(Int64(seconds + 30))))
        return result.succeeded
    }

    /// The API server's `/livez` without a client certificate (health endpoints answer anonymous
    /// requests): succeeds while any API server listens on the host's address.
    static func apiServerAnswers(_ host: Host, cluster: Cluster) -> [String] {
        ["curl", "-sk", "--max-time", "2", "-o", "/dev/null", "https://\(host.clusterAddress.urlHost):\(cluster.controlPlane.endpoint.apiServerPort)/livez"]
    }

    /// `/readyz` with the API server's kubelet-client certificate: succeeds when it serves and reaches etcd.
    static func apiServerReady(_ host: Host, cluster: Cluster) -> [String] {
        ["curl", "-fsS", "--max-time", "3", "--cacert", NodePaths.pki + "/ca.crt",
         "--cert", NodePaths.pki + "/apiserver-kubelet-client.crt", "--key", NodePaths.pki + "/apiserver-kubelet-client.key",
         "-o", "/dev/null", "https://\(host.clusterAddress.urlHost):\(cluster.controlPlane.endpoint.apiServerPort)/readyz"]
    }

    /// The member's own `/health` with the healthcheck-client certificate.
    static func etcdMemberHealthy(_ host: Host, cluster: Cluster) -> [String] {
        ["curl", "-fsS", "--max-time", "3", "--cacert", NodePaths.etcdPKI + "/ca.crt",
         "--cert", NodePaths.etcdPKI + "/healthcheck-client.crt", "--key", NodePaths.etcdPKI + "/healthcheck-client.key",
         "-o", "/dev/null", "https://\(host.clusterAddress.urlHost):\(cluster.etcd.clientPort)/health"]
    }

    /// The kubelet's healthz (the default healthzPort, which k8sctl's kubelet config keeps).
    static let kubeletHealthy = ["curl", "-fsS", "--max-time", "2", "-o", "/dev/null", "http://127.0.0.1:10248/healthz"]
}
