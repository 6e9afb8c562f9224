import Foundation
import K8sctlModel
import K8sctlPlanning

/// Drains a node through the Eviction API, as `kubectl drain` does: cordon, then evict every pod
/// bound to the node, retrying those a PodDisruptionBudget protects (HTTP 429) until the drain
/// timeout. Mirror pods (static pods) are never evicted; DaemonSet pods are skipped when the
/// inventory says `ignoreDaemonSets` and refuse the drain otherwise; pods with emptyDir volumes
/// refuse it unless `deleteEmptyDirData` — the data would be lost.
struct DrainStep {
    let action: DrainAction
    /// Seconds between eviction rounds while a budget refuses (kubectl waits 5 s).
    var retryInterval: Duration = .seconds(2)

    struct Pod {
        var namespace: String
        var name: String
        var terminating: Bool
    }

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        let (cordonStatus, _) = try await NodeSchedulingStep(node: action.node, unschedulable: true).run(in: context)
        let api = try await KubernetesAPIClient.through(context: context, avoiding: action.node)
        let deadline = ContinuousClock.now + .milliseconds(action.timeout.milliseconds)
        var evicted: [String] = []
        var refusals = 0
        while true {
            let pods = try await evictablePods(api)
            let waiting = pods.filter { !$0.terminating }
            if pods.isEmpty {
                let status: StepStatus = evicted.isEmpty && cordonStatus == .ok ? .ok : .changed
                let retried = refusals > 0 ? " (\(refusals) eviction(s) refused by a PodDisruptionBudget and retried)" : ""
                return (status, evicted.isEmpty ? "\(action.node) has no pods to evict" : "evicted \(evicted.count) pod(s) from \(action.node)\(retried)")
            }
            var lastRefusal = ""
            for pod in waiting {
                let response = try await api.request(
                    "POST", "/api/v1/namespaces/\(KubernetesAPIClient.escape(pod.namespace))/pods/\(KubernetesAPIClient.escape(pod.name))/eviction",
                    body: evictionBody(pod))
                switch response.status {
                case 200, 201: evicted.append("\(pod.namespace)/\(pod.name)")
                case 404: break // gone meanwhile
                case 429:
                    refusals += 1
                    lastRefusal = "\(pod.namespace)/\(pod.name): \(response.message)"
                default:
                    throw StepFailure.message("evicting \(pod.namespace)/\(pod.name) from \(action.node): HTTP \(response.status): \(response.message)")
                }
            }
            if ContinuousClock.now >= deadline {
                let left = try await evictablePods(api).map { "\($0.namespace)/\($0.name)" }
                if left.isEmpty { continue }
                throw StepFailure.message("drain of \(action.node) did not finish within \(action.timeout): \(left.count) pod(s) left (\(left.prefix(5).joined(separator: ", ")))"
                    + (lastRefusal.isEmpty ? "" : "; last refusal: \(lastRefusal)")
                    + ". The node stays cordoned; raise spec.rollout.drain.timeout or relax the PodDisruptionBudget, then apply again")
            }
            try await Task.sleep(for: retryInterval)
        }
    }

    private func evictionBody(_ pod: Pod) -> String {
        let object: [String: Any] = [
            "apiVersion": "policy/v1", "kind": "Eviction",
            "metadata": ["name": pod.name, "namespace": pod.namespace],
            "deleteOptions": ["gracePeriodSeconds": Int(action.gracePeriod.milliseconds / 1000)],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The node's pods that a drain must remove, or a refusal naming the pods that block it.
    private func evictablePods(_ api: KubernetesAPIClient) async throws -> [Pod] {
        let response = try await api.request("GET", "/api/v1/pods?fieldSelector=" + KubernetesAPIClient.escape("spec.nodeName=\(action.node)"))
        guard response.status == 200, let items = response.json?["items"] as? [[String: Any]] else {
            throw StepFailure.message("listing pods on \(action.node): HTTP \(response.status): \(response.message)")
        }
        var pods: [Pod] = []
        var blocking: [String] = []
        for item in items {
            let metadata = item["metadata"] as? [String: Any] ?? [:]
            let name = metadata["name"] as? String ?? "?"
            let namespace = metadata["namespace"] as? String ?? "default"
            let annotations = metadata["annotations"] as? [String: Any] ?? [:]
            if annotations["kubernetes.io/config.mirror"] != nil { continue }
            let phase = (item["status"] as? [String: Any])?["phase"] as? String
            let owners = metadata["ownerReferences"] as? [[String: Any]] ?? []
            if owners.contains(where: { $0["kind"] as? String == "DaemonSet" }) {
                if action.ignoreDaemonSets { continue }
                blocking.append("\(namespace)/\(name) (DaemonSet-managed; set spec.rollout.drain.ignoreDaemonSets)")
                continue
            }
            let volumes = (item["spec"] as? [String: Any])?["volumes"] as? [[String: Any]] ?? []
            if !action.deleteEmptyDirData && volumes.contains(where: { $0["emptyDir"] != nil })
                && phase != "Succeeded" && phase != "Failed" {
                blocking.append("\(namespace)/\(name) (uses emptyDir data; set spec.rollout.drain.deleteEmptyDirData)")
                continue
            }
            pods.append(Pod(namespace: namespace, name: name, terminating: metadata["deletionTimestamp"] != nil))
        }
        if !blocking.isEmpty {
            throw StepFailure.message("cannot drain \(action.node): " + blocking.joined(separator: ", ") + ". The node stays cordoned")
        }
        return pods
    }
}
