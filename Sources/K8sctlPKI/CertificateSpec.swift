import K8sctlModel

/// One row of the certificate catalog: what kubeadm's certlist says about a certificate, as data.
/// Everything a host-dependent certificate needs (its CN, its SANs) is a rule resolved per host,
/// so the same row describes `etcd/server.crt` on every etcd member.
public struct CertificateSpec: Sendable, Hashable, Identifiable {
    /// Catalog name, unique (`apiserver`, `etcd-server`, `kubeconfig-admin`); also the file name in the store.
    public var name: String
    public var id: String { name }
    public var kind: Kind
    public var commonName: CommonNameRule
    /// Subject organizations (`O=`), which Kubernetes reads as group memberships.
    public var organizations: [String]
    public var extendedKeyUsages: [ExtendedUsage]
    public var subjectAlternativeNames: SubjectAlternativeNameRule
    /// One certificate for the whole cluster, or one per host that receives it.
    public var scope: Scope
    /// Where the certificate lands on hosts.
    public var placement: Placement
    /// Which hosts receive the certificate (and which also receive its private key).
    public var recipients: Recipients

    public init(name: String, kind: Kind, commonName: CommonNameRule, organizations: [String] = [],
                extendedKeyUsages: [ExtendedUsage] = [], subjectAlternativeNames: SubjectAlternativeNameRule = .none,
                scope: Scope = .cluster, placement: Placement, recipients: Recipients) {
        self.name = name
        self.kind = kind
        self.commonName = commonName
        self.organizations = organizations
        self.extendedKeyUsages = extendedKeyUsages
        self.subjectAlternativeNames = subjectAlternativeNames
        self.scope = scope
        self.placement = placement
        self.recipients = recipients
    }

    public enum Kind: Sendable, Hashable {
        /// A self-signed certificate authority.
        case authority
        /// A certificate signed by the catalog's authority of that name.
        case leaf(authority: String)
        /// A bare key pair with no certificate (the service-account signing key, `sa.key`/`sa.pub`).
        case signingKeyPair
    }

    public enum Scope: String, Sendable, Hashable { case cluster, host }

    public enum ExtendedUsage: String, Sendable, Hashable, CaseIterable {
        case serverAuth = "server auth"
        case clientAuth = "client auth"
    }

    public var isAuthority: Bool { kind == .authority }

    /// The authority that signs it; nil for authorities and key pairs.
    public var authorityName: String? {
        if case .leaf(let authority) = kind { return authority }
        return nil
    }
}

/// How a certificate's common name is chosen.
public enum CommonNameRule: Sendable, Hashable {
    case fixed(String)
    /// The host's node name (etcd server/peer, as kubeadm sets it).
    case hostName
    /// `system:node:<name>`, the identity the Node authorizer expects from a kubelet.
    case nodeIdentity

    public func resolve(host: Host?) -> String {
        switch self {
        case .fixed(let name): name
        case .hostName: host?.name ?? ""
        case .nodeIdentity: "system:node:" + (host?.name ?? "")
        }
    }
}

/// Where a catalog entry is written on a node.
public enum Placement: Sendable, Hashable {
    /// A certificate (or public key) file and its private key file.
    case files(certificate: String, key: String)
    /// Embedded in the kubeconfig of that name (`/etc/kubernetes/<name>.conf`).
    case kubeconfig(String)
}

/// Which hosts get a catalog entry.
public struct Recipients: Sendable, Hashable {
    /// Hosts that receive the certificate (or public key).
    public var certificate: Set<HostGroup>
    /// Hosts that also receive the private key; a subset of `certificate`.
    public var key: Set<HostGroup>

    public init(certificate: Set<HostGroup>, key: Set<HostGroup>) {
        self.certificate = certificate
        self.key = key
    }

    public static func both(_ groups: Set<HostGroup>) -> Recipients { Recipients(certificate: groups, key: groups) }

    public func getsCertificate(_ host: Host) -> Bool { certificate.contains { $0.contains(host) } }
    public func getsKey(_ host: Host) -> Bool { key.contains { $0.contains(host) } }
}

/// A set of hosts named by what they run.
public enum HostGroup: String, Sendable, Hashable, CaseIterable {
    case controlPlane = "control-plane"
    case etcd
    /// Every host running a kubelet (control-plane and worker hosts).
    case kubelet

    public func contains(_ host: Host) -> Bool {
        switch self {
        case .controlPlane: host.isControlPlane
        case .etcd: host.isEtcd
        case .kubelet: host.runsKubelet
        }
    }
}
