import Foundation
import K8sctlModel
import K8sctlTransport

/// Tells the new process of a static pod from the old one, the way `kubeadm upgrade` does
/// (`WaitForStaticPodHashChange`): the kubelet publishes each static pod as a mirror pod
/// `kube-system/<pod>-<node>` whose `kubernetes.io/config.hash` annotation identifies the manifest
/// version it runs. Read before the manifest is replaced, it must change — and the mirror pod must
/// be `Ready` — before a health probe's answer can be trusted to come from the new process. (The
/// kubelet notices a changed manifest only on its next file check, 20 s by default.)
enum StaticPodReplacement {
    static let manifestDirectory = "/etc/kubernetes/manifests/"
    static let hashAnnotation = "kubernetes.io/config.hash"

    static func manifestPath(_ pod: String) -> String { "\(manifestDirectory)\(pod).yaml" }

    /// The static pod a manifest path defines (`kube-apiserver` for …/kube-apiserver.yaml), if any.
    static func pod(atPath path: String) -> String? {
        guard path.hasPrefix(manifestDirectory), path.hasSuffix(".yaml") else { return nil }
        let name = String(path.dropFirst(manifestDirectory.count).dropLast(".yaml".count))
        return name.isEmpty || name.contains("/") ? nil : name
    }

    static func mirrorPodPath(pod: String, node: String) -> String {
        "/api/v1/namespaces/kube-system/pods/\(KubernetesAPIClient.escape("\(pod)-\(node)"))"
    }

    /// Before a static pod manifest is replaced: remembers the running version's config hash. Nothing
    /// is recorded when the manifest is unchanged, when it is created (no old process runs from it —
    /// a host joining again may still have a stale mirror pod with the very same hash in the API), or
    /// when no API server answers (a first install) — the wait then relies on its probe alone.
    static func recordBeforeWriting(_ file: NodeFile, in context: StepContext) async {
        // Control-plane hosts only: their static pods are the ones a wait checks (the API server).
        guard let pod = pod(atPath: file.path), context.host.isControlPlane,
              let sums = try? await context.connection.checksums([file.path]),
              let onNode = sums[file.path] ?? nil, onNode != Applier.sha256(file.content) else { return }
        guard let api = try? await KubernetesAPIClient.through(context: context),
              let response = try? await api.request("GET", mirrorPodPath(pod: pod, node: context.host.name), retryingFor: 0),
              response.status == 200, let hash = configHash(response) else { return }
        await context.changes.recordConfigHash(host: context.host.name, pod: pod, hash: hash)
    }

    static func configHash(_ response: KubernetesAPIClient.Response) -> String? {
        ((response.json?["metadata"] as? [String: Any])?["annotations"] as? [String: Any])?[hashAnnotation] as? String
    }

    static func isReady(_ response: KubernetesAPIClient.Response) -> Bool {
        let conditions = (response.json?["status"] as? [String: Any])?["conditions"] as? [[String: Any]] ?? []
        return conditions.contains { $0["type"] as? String == "Ready" && $0["status"] as? String == "True" }
    }

    /// After the manifest was replaced in this run: waits until the mirror pod shows another config
    /// hash than before and is Ready. Returns a detail for the step, or nil when nothing was replaced.
    /// - Throws: `StepFailure` naming the hash still seen when `timeout` runs out.
    static func waitForReplacement(of pod: String, in context: StepContext, timeout: TimeSpan) async throws -> String? {
        let host = context.host.name
        guard await context.changes.paths(host: host).contains(manifestPath(pod)),
              let before = await context.changes.configHashBeforeChange(host: host, pod: pod) else { return nil }
        let api = try await KubernetesAPIClient.through(context: context)
        let deadline = ContinuousClock.now + .milliseconds(timeout.milliseconds)
        var last = "no answer"
        while true {
            if let response = try? await api.request("GET", mirrorPodPath(pod: pod, node: host), retryingFor: 0) {
                let hash = configHash(response)
                if response.status == 200, let hash, hash != before, isReady(response) {
                    return "new \(pod) running (config.hash \(before.prefix(8))… → \(hash.prefix(8))…) and Ready"
                }
                last = response.status == 200 ? "config.hash \(hash?.prefix(8) ?? "none")…, ready: \(isReady(response))"
                                               : "HTTP \(response.status)"
            }
            if ContinuousClock.now >= deadline {
                throw StepFailure.message("the kubelet did not replace \(pod) on \(host) within \(timeout): its mirror pod still shows \(last) (before the change: \(before.prefix(8))…)")
            }
            try await Task.sleep(for: .seconds(1))
        }
    }
}
