import K8sctlModel

/// What rendering produces for one host.
public struct RenderedHost: Sendable, Hashable {
    public var host: String
    /// Every file for the host, sorted by path: PKI files passed through, then the rendered ones.
    public var files: [NodeFile]
    /// Node labels the kubelet may not set on itself (e.g. `node-role.kubernetes.io/control-plane`);
    /// the executor applies them through the API once the node has registered.
    public var labelsToApplyThroughAPI: [String: String]

    public init(host: String, files: [NodeFile], labelsToApplyThroughAPI: [String: String] = [:]) {
        self.host = host
        self.files = files
        self.labelsToApplyThroughAPI = labelsToApplyThroughAPI
    }

    public func file(at path: String) -> NodeFile? { files.first { $0.path == path } }
}
