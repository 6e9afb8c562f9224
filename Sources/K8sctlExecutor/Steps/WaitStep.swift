import K8sctlModel
import K8sctlPlanning

/// Polls a probe on the node until it answers or the timeout runs out — one round trip: the loop
/// runs on the node.
struct WaitStep {
    let action: WaitAction

    /// Fixed loop; the probe arrives as argv after the timeout in seconds.
    static let loop = #"""
    t=$1; shift
    end=$(( $(date +%s) + t ))
    while :; do
      if err=$("$@" 2>&1 >/dev/null); then exit 0; fi
      if [ "$(date +%s)" -ge "$end" ]; then printf '%s\n' "$err" >&2; exit 1; fi
      sleep 1
    done
    """#

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        let probe: [String]
        let what: String
        switch action.probe {
        case .tcp(let address):
            let (host, port) = Self.split(address)
            probe = ["timeout", "2", "bash", "-c", "exec 3<>\"/dev/tcp/$0/$1\"", host, port]
            what = "tcp \(address)"
        case let .https(url, certificate, key, ca):
            probe = ["curl", "-fsS", "--max-time", "3", "--cacert", ca, "--cert", certificate, "--key", key, "-o", "/dev/null", url]
            what = url
        case .command(let argv):
            probe = argv
            what = argv.joined(separator: " ")
        case .nodeReady(let node):
            return (.ok, try await NodeReadiness.wait(node: node, in: context, timeout: action.timeout))
        }
        let seconds = max(1, Int(action.timeout.seconds.rounded(.up)))
        let result = try await context.run(["/bin/sh", "-c", Self.loop, "k8sctl-wait", String(seconds)] + probe,
                                           timeout: TimeSpan.seconds(Int64(seconds + 30)))
        guard result.succeeded else {
            throw StepFailure(command: what, outcome: "did not answer within \(action.timeout)", stderr: result.stderrTail(lines: 5))
        }
        if let pod = action.staticPod,
           let replaced = try await StaticPodReplacement.waitForReplacement(of: pod, in: context, timeout: action.timeout) {
            // The answer above may have come from the old process; ask the new one again.
            let again = try await context.run(["/bin/sh", "-c", Self.loop, "k8sctl-wait", String(seconds)] + probe,
                                              timeout: TimeSpan.seconds(Int64(seconds + 30)))
            guard again.succeeded else {
                throw StepFailure(command: what, outcome: "the new \(pod) did not answer within \(action.timeout)", stderr: again.stderrTail(lines: 5))
            }
            return (.ok, "\(what) answered; \(replaced)")
        }
        return (.ok, "\(what) answered")
    }

    static func split(_ address: String) -> (String, String) {
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            let host = String(address[address.index(after: address.startIndex)..<close])
            let rest = address[address.index(after: close)...]
            return (host, rest.hasPrefix(":") ? String(rest.dropFirst()) : "443")
        }
        guard let colon = address.lastIndex(of: ":") else { return (address, "443") }
        return (String(address[..<colon]), String(address[address.index(after: colon)...]))
    }
}
