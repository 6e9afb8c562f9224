import K8sctlPlanning

/// Deletes a leaving host's Node object through the API (what `kubectl delete node` does), after
/// its kubelet stopped so it cannot register again. Already gone is `ok`.
struct NodeDeletionStep {
    let node: String

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        let api = try await KubernetesAPIClient.through(context: context, avoiding: node)
        let response = try await api.request("DELETE", "/api/v1/nodes/\(KubernetesAPIClient.escape(node))")
        switch response.status {
        case 200, 202: return (.changed, "deleted node \(node)")
        case 404: return (.ok, "node \(node) not registered")
        default: throw StepFailure.message("DELETE node \(node): HTTP \(response.status): \(response.message)")
        }
    }
}
