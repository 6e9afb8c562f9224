import K8sctlModel

/// What the catalog asks for one concrete certificate: a catalog entry resolved for a host.
/// An existing certificate is reused only while it still matches this.
public struct CertificateRequest: Sendable, Hashable {
    public var id: CertificateID
    public var commonName: String
    public var organizations: [String]
    public var extendedKeyUsages: Set<CertificateSpec.ExtendedUsage>
    public var alternativeNames: AlternativeNames
    public var isAuthority: Bool
    /// Catalog name of the signing authority; nil for authorities.
    public var authority: String?

    public init(spec: CertificateSpec, host: Host?, cluster: Cluster) {
        self.id = CertificateID(name: spec.name, host: spec.scope == .host ? host?.name : nil)
        self.commonName = spec.commonName.resolve(host: host)
        self.organizations = spec.organizations
        self.extendedKeyUsages = Set(spec.extendedKeyUsages)
        self.alternativeNames = spec.subjectAlternativeNames.resolve(host: host, cluster: cluster)
        self.isAuthority = spec.isAuthority
        self.authority = spec.authorityName
    }
}

/// Names one issued certificate: a catalog entry, and the host for per-host entries.
public struct CertificateID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var name: String
    public var host: String?

    public init(name: String, host: String? = nil) {
        self.name = name
        self.host = host
    }

    /// `apiserver@cp1`, or `ca` for cluster-wide entries.
    public var description: String { host.map { "\(name)@\($0)" } ?? name }

    public static func < (lhs: CertificateID, rhs: CertificateID) -> Bool {
        (lhs.host ?? "", lhs.name) < (rhs.host ?? "", rhs.name)
    }
}
