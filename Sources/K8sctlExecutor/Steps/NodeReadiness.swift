import Foundation
import K8sctlModel
import K8sctlTransport

/// The `nodeReady` wait: the Node's `Ready` condition is `True` with a `lastHeartbeatTime` no older
/// than the start of the host's running kubelet. A Node keeps the Ready condition its kubelet last
/// posted until the node lifecycle controller marks it `Unknown` (40 s later by default), so after a
/// quick stop and start a `True` alone could be the stopped kubelet's; the heartbeat time, written
/// by the kubelet with the node's own clock, compared with the kubelet's start on the same clock, is not.
enum NodeReadiness {
    /// The kubelet unit's last start as Unix seconds, on the node's clock.
    static let kubeletStartScript = #"date -u -d "$(systemctl show -p ActiveEnterTimestamp --value kubelet.service)" +%s"#

    static func wait(node: String, in context: StepContext, timeout: TimeSpan) async throws -> String {
        let started = try await context.require(["sh", "-c", kubeletStartScript]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard let since = TimeInterval(started) else {
            throw StepFailure.message("cannot tell when kubelet.service started on \(context.host.name) (got '\(started)'); is it running?")
        }
        let api = try await KubernetesAPIClient.through(context: context)
        let deadline = ContinuousClock.now + .milliseconds(timeout.milliseconds)
        var last = "no answer"
        while true {
            if let response = try? await api.request("GET", "/api/v1/nodes/\(KubernetesAPIClient.escape(node))", retryingFor: 0) {
                if response.status == 200 {
                    let ready = readyCondition(response)
                    let heartbeat = (ready?["lastHeartbeatTime"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
                    if ready?["status"] as? String == "True", let heartbeat, heartbeat.timeIntervalSince1970 >= since {
                        return "node \(node) Ready (heartbeat \(ready?["lastHeartbeatTime"] as? String ?? "?"))"
                    }
                    last = "Ready=\(ready?["status"] as? String ?? "absent"), last heartbeat \(ready?["lastHeartbeatTime"] as? String ?? "none")"
                } else {
                    last = "HTTP \(response.status): \(response.message)"
                }
            }
            if ContinuousClock.now >= deadline {
                throw StepFailure.message("node \(node) was not Ready with a heartbeat since its kubelet started (\(started)) within \(timeout): \(last)")
            }
            try await Task.sleep(for: .seconds(2))
        }
    }

    static func readyCondition(_ response: KubernetesAPIClient.Response) -> [String: Any]? {
        let conditions = (response.json?["status"] as? [String: Any])?["conditions"] as? [[String: Any]] ?? []
        return conditions.first { $0["type"] as? String == "Ready" }
    }
}
