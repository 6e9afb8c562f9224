import Foundation
import K8sctlModel

/// One kubeconfig with an embedded client certificate and key (base64 of the PEM, as kubectl
/// writes them).
public struct KubeconfigContext: TemplateContext, Sendable, Hashable {
    public var clusterName: String
    public var server: String
    public var credential: ClientCredential

    public init(clusterName: String, server: String, credential: ClientCredential) {
        self.clusterName = clusterName
        self.server = server
        self.credential = credential
    }

    /// PEM text as a file holds it: with a final newline (swift-certificates omits it).
    static func pemData(_ pem: String) -> String {
        let text = pem.hasSuffix("\n") ? pem : pem + "\n"
        return Data(text.utf8).base64EncodedString()
    }

    public var templateValues: [String: Any] {
        let q = YAMLText.quoted
        return [
            "clusterName": q(clusterName), "server": q(server), "userName": q(credential.userName),
            "contextName": q("\(credential.userName)@\(clusterName)"),
            "certificateAuthorityData": Self.pemData(credential.certificateAuthorityPEM),
            "clientCertificateData": Self.pemData(credential.certificatePEM),
            "clientKeyData": Self.pemData(credential.privateKeyPEM),
        ]
    }

    /// The kubeconfigs a host gets: all five on control-plane hosts, `kubelet` on other kubelet hosts.
    public static func names(for host: K8sctlModel.Host) -> [String] {
        if host.isControlPlane { return ["admin", "super-admin", "controller-manager", "scheduler", "kubelet"] }
        return host.runsKubelet ? ["kubelet"] : []
    }
}
