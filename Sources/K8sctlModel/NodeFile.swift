/// A file k8sctl manages on a host: the exact bytes, mode and owner that `render` writes locally and
/// `apply` writes atomically on the node. PKI, rendering and the executor all speak in these.
public struct NodeFile: Sendable, Hashable, Codable {
    /// Absolute path on the node, e.g. `/etc/kubernetes/pki/apiserver.crt`.
    public var path: String
    public var content: [UInt8]
    /// POSIX permission bits, e.g. 0o600 for keys and kubeconfigs.
    public var mode: UInt16
    public var owner: String
    public var group: String
    /// Private keys and kubeconfigs: never printed, never diffed in plan output.
    public var isSecret: Bool
    /// What produced it (`pki:apiserver`, `template:kube-apiserver.yaml.mustache`), for plans and errors.
    public var origin: String

    public init(path: String, content: [UInt8], mode: UInt16 = 0o644, owner: String = "root",
                group: String = "root", isSecret: Bool = false, origin: String = "") {
        self.path = path
        self.content = content
        self.mode = mode
        self.owner = owner
        self.group = group
        self.isSecret = isSecret
        self.origin = origin
    }

    public init(path: String, text: String, mode: UInt16 = 0o644, isSecret: Bool = false, origin: String = "") {
        self.init(path: path, content: Array(text.utf8), mode: mode, isSecret: isSecret, origin: origin)
    }

    public var text: String { String(decoding: content, as: UTF8.self) }
}
