import K8sctlPlanning

/// `cordon` / `uncordon`: a JSON merge patch of the Node's `spec.unschedulable`, as
/// `kubectl cordon` sends it. A Node the API does not know (never registered, or deleted already) is
/// `ok`: there is nothing to schedule onto.
struct NodeSchedulingStep {
    let node: String
    let unschedulable: Bool

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        let api = try await KubernetesAPIClient.through(context: context, avoiding: node)
        let path = "/api/v1/nodes/\(KubernetesAPIClient.escape(node))"
        let current = try await api.request("GET", path)
        if current.status == 404 { return (.ok, "node \(node) is not registered") }
        guard current.status == 200 else {
            throw StepFailure.message("GET node \(node): HTTP \(current.status): \(current.message)")
        }
        let spec = current.json?["spec"] as? [String: Any]
        if (spec?["unschedulable"] as? Bool ?? false) == unschedulable {
            return (.ok, "\(node) already \(unschedulable ? "cordoned" : "schedulable")")
        }
        // `null` removes the field, which is what uncordon leaves behind.
        let value = unschedulable ? "true" : "null"
        let patched = try await api.request("PATCH", path, body: #"{"spec":{"unschedulable":\#(value)}}"#,
                                            contentType: "application/merge-patch+json")
        guard patched.status == 200 else {
            throw StepFailure.message("PATCH node \(node): HTTP \(patched.status): \(patched.message)")
        }
        return (.changed, unschedulable ? "cordoned \(node)" : "uncordoned \(node)")
    }
}
