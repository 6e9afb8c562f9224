/// What PKI hands to rendering for one host: the certificate and key files it needs under
/// /etc/kubernetes/pki, and the client credentials that go into its kubeconfigs.
/// Defined here so rendering does not depend on how certificates are issued.
public struct HostCredentials: Sendable, Hashable {
    public var host: String
    /// Certificates, keys (0600, `isSecret`), `sa.key`/`sa.pub`, in kubeadm's layout.
    public var files: [NodeFile]
    /// Kubeconfig name (`admin`, `super-admin`, `controller-manager`, `scheduler`, `kubelet`) → credential.
    public var kubeconfigs: [String: ClientCredential]

    public init(host: String, files: [NodeFile] = [], kubeconfigs: [String: ClientCredential] = [:]) {
        self.host = host
        self.files = files
        self.kubeconfigs = kubeconfigs
    }
}

/// A client certificate, its private key and the CA that verifies the server, all PEM.
public struct ClientCredential: Sendable, Hashable {
    /// The user name the API server sees (the certificate's CN), e.g. `system:node:w1`.
    public var userName: String
    public var certificatePEM: String
    public var privateKeyPEM: String
    public var certificateAuthorityPEM: String

    public init(userName: String, certificatePEM: String, privateKeyPEM: String, certificateAuthorityPEM: String) {
        self.userName = userName
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.certificateAuthorityPEM = certificateAuthorityPEM
    }
}
