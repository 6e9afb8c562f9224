/// A group of hosts sharing labels, taints and a failure zone.
public struct NodePool: Sendable, Hashable, Codable {
    public var name: String
    public var labels: [String: String]
    public var taints: [Taint]
    /// Becomes the `topology.kubernetes.io/zone` label.
    public var zone: String?
    public var path: String

    public init(name: String, labels: [String: String] = [:], taints: [Taint] = [], zone: String? = nil, path: String = "") {
        self.name = name
        self.labels = labels
        self.taints = taints
        self.zone = zone
        self.path = path
    }
}

/// A Kubernetes taint, written `key[=value]:Effect`.
public struct Taint: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Effect: String, Sendable, Hashable, Codable, CaseIterable {
        case noSchedule = "NoSchedule"
        case preferNoSchedule = "PreferNoSchedule"
        case noExecute = "NoExecute"
    }

    public var key: String
    public var value: String?
    public var effect: Effect

    public init(key: String, value: String? = nil, effect: Effect) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    /// Parses `key=value:Effect` or `key:Effect`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"),
              let effect = Effect(rawValue: String(text[text.index(after: colon)...])) else { return nil }
        let head = text[..<colon]
        if let equals = head.firstIndex(of: "=") {
            key = String(head[..<equals])
            value = String(head[head.index(after: equals)...])
        } else {
            key = String(head)
            value = nil
        }
        guard !key.isEmpty else { return nil }
        self.effect = effect
    }

    public var description: String { key + (value.map { "=\($0)" } ?? "") + ":" + effect.rawValue }
}
