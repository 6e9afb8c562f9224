import Foundation
import K8sctlModel
import K8sctlTransport

/// Talks to the Kubernetes API the way an operator on a control-plane host would: `curl` on that
/// host with the API server's kubelet-client certificate (which kubeadm-style clusters bind to
/// `system:masters`-equivalent rights for node operations) against the host's own API server.
///
/// Why not from this machine: the API server is often reachable only inside the cluster network,
/// and its client key never has to leave the control plane.
struct KubernetesAPIClient: Sendable {
    /// The control-plane host whose API server and credentials are used.
    let via: any RemoteHost
    let baseURL: String

    struct Response: Sendable {
        var status: Int
        var body: String
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
        /// The API's own explanation (a `Status` object's message), else the raw body's start.
        var message: String {
            if let message = json?["message"] as? String { return message }
            return String(body.prefix(300))
        }
    }

    static let certificate = "/etc/kubernetes/pki/apiserver-kubelet-client.crt"
    static let key = "/etc/kubernetes/pki/apiserver-kubelet-client.key"
    static let ca = "/etc/kubernetes/pki/ca.crt"

    /// A client through a control-plane host that stays in the cluster, preferring one that is not
    /// `avoiding` (the node being drained may be a control-plane host itself) and one that ran
    /// before this apply (a joining host's API server may not be up yet: a member observed down
    /// leaves before the new control-plane hosts join).
    /// - Throws: `StepFailure` when no control-plane host is connected.
    static func through(context: StepContext, avoiding: String? = nil) async throws -> KubernetesAPIClient {
        for host in candidates(context.cluster.controlPlaneHosts, avoiding: avoiding, joining: context.joining) {
            if let connection = await context.peers(host.name) {
                return KubernetesAPIClient(via: connection,
                                           baseURL: "https://\(host.clusterAddress.urlHost):\(context.cluster.controlPlane.endpoint.apiServerPort)")
            }
        }
        throw StepFailure.message("no connected control-plane host to reach the Kubernetes API through")
    }

    /// Control-plane hosts in the order to try: established ones, then joining ones, `avoiding` last.
    static func candidates(_ hosts: [K8sctlModel.Host], avoiding: String?, joining: Set<String>) -> [K8sctlModel.Host] {
        func rank(_ host: K8sctlModel.Host) -> Int { host.name == avoiding ? 2 : joining.contains(host.name) ? 1 : 0 }
        return hosts.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// One request. The status line is written after the body by curl's `-w`, so one round trip
    /// gives both.
    /// - Throws: `StepFailure` when curl itself fails (API server unreachable, TLS refused).
    /// - Parameter retryingFor: seconds to retry transport failures (0: one attempt, for a probe).
    func request(_ method: String, _ path: String, body: String? = nil,
                 contentType: String = "application/json", retryingFor: Int = 30) async throws -> Response {
        var argv = ["curl", "-sS", "--max-time", "15", "--cacert", Self.ca, "--cert", Self.certificate, "--key", Self.key,
                    "-X", method, "-H", "Accept: application/json", "-w", "\n%{http_code}"]
        if body != nil { argv += ["-H", "Content-Type: \(contentType)", "--data-binary", "@-"] }
        argv.append(baseURL + path)
        // An API server that is being restarted (a static pod manifest changed a moment ago) refuses or
        // resets connections for a few seconds: retry transport failures for up to ~30 s. HTTP errors
        // are answers, not retried here.
        var result = try await via.run(RemoteCommand(argv, standardInput: body.map { Array($0.utf8) }, timeout: .seconds(30)))
        for _ in 0..<retryingFor where !result.succeeded {
            try await Task.sleep(for: .seconds(1))
            result = try await via.run(RemoteCommand(argv, standardInput: body.map { Array($0.utf8) }, timeout: .seconds(30)))
        }
        guard result.succeeded else {
            throw StepFailure(command: "curl -X \(method) \(baseURL + path) (on \(via.name))",
                              outcome: "the Kubernetes API did not answer", stderr: result.stderrTail())
        }
        let text = result.stdout
        let split = text.lastIndex(of: "\n")
        let statusText = split.map { String(text[text.index(after: $0)...]) } ?? text
        let bodyText = split.map { String(text[..<$0]) } ?? ""
        return Response(status: Int(statusText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, body: bodyText)
    }

    /// Path-segment escaping for names that go into URLs (node and pod names are DNS names, but a
    /// query value such as `spec.nodeName=NAME` needs its `=` escaped).
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
