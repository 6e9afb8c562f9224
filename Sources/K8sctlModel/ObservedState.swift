/// What k8sctl saw on the hosts before a change: which hosts answered, which etcd members are
/// healthy, which kubelet versions run. Gathered by the executor (one round trip per host) and
/// handed to validation and planning so that members already down count against the quorum.
/// Hosts missing from the maps were not observed: rules treat them as healthy.
public struct ObservedState: Sendable, Hashable, Codable {
    /// Host name → what was seen on it.
    public var hosts: [String: HostObservation]

    public init(hosts: [String: HostObservation] = [:]) {
        self.hosts = hosts
    }

    /// Whether the etcd member on `host` is known to be down: the host did not answer, or answered
    /// without a healthy etcd (ask only about hosts that are members). Hosts not observed are not.
    public func isEtcdMemberDown(_ host: String) -> Bool {
        guard let seen = hosts[host] else { return false }
        return !seen.reachable || seen.etcdHealth != .healthy
    }

    /// The kubelet version seen on `host`, if any.
    public func kubeletVersion(of host: String) -> SemanticVersion? { hosts[host]?.kubeletVersion }
}

/// One host's observed facts.
public struct HostObservation: Sendable, Hashable, Codable {
    public enum EtcdHealth: String, Sendable, Hashable, Codable, CaseIterable {
        case healthy, unhealthy
        /// No etcd member runs on the host.
        case absent
    }

    public var reachable: Bool
    public var etcdHealth: EtcdHealth
    public var kubeletVersion: SemanticVersion?

    public init(reachable: Bool = true, etcdHealth: EtcdHealth = .absent, kubeletVersion: SemanticVersion? = nil) {
        self.reachable = reachable
        self.etcdHealth = etcdHealth
        self.kubeletVersion = kubeletVersion
    }
}
