import K8sctlModel

/// A cluster's PKI after `ClusterPKI.ensure`: every authority, the service-account key and every
/// leaf, and what each host gets from them. Printing it never shows a key.
public struct PKIState: Sendable, CustomStringConvertible {
    public var authorities: [String: IssuedCertificate]
    public var serviceAccountKey: PrivateKeyMaterial
    public var certificates: [CertificateID: IssuedCertificate]

    public init(authorities: [String: IssuedCertificate], serviceAccountKey: PrivateKeyMaterial,
                certificates: [CertificateID: IssuedCertificate]) {
        self.authorities = authorities
        self.serviceAccountKey = serviceAccountKey
        self.certificates = certificates
    }

    /// The certificate of a catalog entry (`host` for per-host entries), authorities included.
    public func certificate(_ name: String, host: String? = nil) -> IssuedCertificate? {
        authorities[name] ?? certificates[CertificateID(name: name, host: host)]
    }

    /// The files a host needs under /etc/kubernetes/pki (by its roles, in kubeadm's layout) and
    /// the client credentials for its kubeconfigs.
    public func credentials(for host: Host) -> HostCredentials {
        var credentials = HostCredentials(host: host.name)
        for spec in CertificateCatalog.entries where spec.recipients.getsCertificate(host) {
            let withKey = spec.recipients.getsKey(host)
            let origin = "pki:" + spec.name
            switch (spec.kind, spec.placement) {
            case (.signingKeyPair, .files(let publicPath, let keyPath)):
                if let publicPEM = try? serviceAccountKey.publicKeyPEM() {
                    credentials.files.append(NodeFile(path: publicPath, text: publicPEM, mode: 0o644, origin: origin))
                }
                if withKey {
                    credentials.files.append(NodeFile(path: keyPath, text: serviceAccountKey.pem, mode: 0o600,
                                                      isSecret: true, origin: origin))
                }
            case (_, .files(let certificatePath, let keyPath)):
                guard let issued = certificate(spec.name, host: spec.scope == .host ? host.name : nil) else { continue }
                credentials.files.append(NodeFile(path: certificatePath, text: issued.certificatePEM, mode: 0o644, origin: origin))
                if withKey {
                    credentials.files.append(NodeFile(path: keyPath, text: issued.privateKey.pem, mode: 0o600,
                                                      isSecret: true, origin: origin))
                }
            case (_, .kubeconfig(let name)):
                guard let issued = certificate(spec.name, host: spec.scope == .host ? host.name : nil),
                      let authorityName = spec.authorityName, let authority = authorities[authorityName] else { continue }
                credentials.kubeconfigs[name] = ClientCredential(
                    userName: issued.summary.commonName, certificatePEM: issued.certificatePEM,
                    privateKeyPEM: issued.privateKey.pem, certificateAuthorityPEM: authority.certificatePEM)
            }
        }
        credentials.files.sort { $0.path < $1.path }
        return credentials
    }

    public var description: String {
        "PKIState(\(authorities.count) authorities, \(certificates.count) certificates, keys redacted)"
    }
}
