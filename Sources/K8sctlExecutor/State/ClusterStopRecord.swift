import Foundation

/// Who stopped the cluster and when (`k8sctl stop`), as recorded in the applied state.
public struct ClusterStopRecord: Sendable, Hashable, Codable {
    public var since: String
    public var by: String

    public init(since: Date = Date(), by: String) {
        self.since = ISO8601DateFormatter().string(from: since)
        self.by = by
    }

    /// What `apply` says when it refuses a stopped cluster.
    public var refusal: String {
        "the cluster was stopped with `k8sctl stop` (\(since), by \(by)); nothing was changed. "
            + "Run `k8sctl start INVENTORY` first: apply would otherwise read every stopped host as drifted and restart it out of order"
    }
}

/// A host that left the cluster while it could not be reached: its Node and etcd member were removed
/// through the hosts that stay, but nothing ran on the host itself.
public struct UncleanedHost: Sendable, Hashable, Codable {
    public var name: String
    public var address: String
    public var roles: [String]
    public var removedAt: String
    /// The revision whose apply removed it.
    public var revision: Int

    public init(name: String, address: String, roles: [String], removedAt: Date = Date(), revision: Int) {
        self.name = name
        self.address = address
        self.roles = roles
        self.removedAt = ISO8601DateFormatter().string(from: removedAt)
        self.revision = revision
    }
}
