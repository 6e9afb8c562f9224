import Foundation
import K8sctlModel
import K8sctlRendering
import K8sctlTestSupport

/// The repository's templates, loaded once, and rendered trees of the test clusters.
enum RenderFixtures {
    static let library: TemplateLibrary = {
        do { return try TemplateLibrary(directory: RepositoryPaths.templates.path) }
        catch { fatalError("templates/ does not load: \(error)") }
    }()

    static let credentialsSource: OpenSSLCredentials = {
        do { return try OpenSSLCredentials() } catch { fatalError("openssl test CA: \(error)") }
    }()

    /// Credentials with the right shape but a fixed certificate, for tests about file layout only.
    static func placeholderCredentials(for cluster: Cluster) -> [String: HostCredentials] {
        let source = credentialsSource
        let credential = ClientCredential(userName: "test", certificatePEM: source.ca.certificate,
                                          privateKeyPEM: source.ca.key, certificateAuthorityPEM: source.ca.certificate)
        var result: [String: HostCredentials] = [:]
        for host in cluster.hosts {
            var kubeconfigs: [String: ClientCredential] = [:]
            for name in KubeconfigContext.names(for: host) { kubeconfigs[name] = credential }
            result[host.name] = HostCredentials(host: host.name, kubeconfigs: kubeconfigs)
        }
        return result
    }

    static func render(_ cluster: Cluster, options: RenderOptions = RenderOptions()) throws -> [RenderedHost] {
        try ClusterRenderer(library: library).render(cluster: cluster, credentials: placeholderCredentials(for: cluster),
                                                     options: options)
    }

    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension RenderedHost {
    func text(_ path: String) -> String? { file(at: path)?.text }
}
