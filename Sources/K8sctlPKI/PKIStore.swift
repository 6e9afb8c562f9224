import Foundation

/// Where a cluster's PKI lives between runs: by default `<inventory dir>/.k8sctl/<cluster>/pki/`.
///
/// Layout: `cluster/<name>.crt|.key` for cluster-wide entries (authorities, shared clients,
/// kubeconfig identities, `sa.key`/`sa.pub`) and `hosts/<host>/<name>.crt|.key` for per-host
/// ones. Directories are 0700, keys 0600 from creation, certificates 0644.
public struct PKIStore: Sendable, Hashable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// The documented default location for an inventory file and cluster name.
    public static func defaultLocation(inventoryPath: String, clusterName: String) -> PKIStore {
        let directory = URL(fileURLWithPath: inventoryPath).deletingLastPathComponent()
        return PKIStore(root: directory.appendingPathComponent(".k8sctl/\(clusterName)/pki"))
    }

    /// The store-relative base path (no extension) of an entry.
    public func basePath(of id: CertificateID) -> URL {
        if let host = id.host { return root.appendingPathComponent("hosts/\(host)/\(id.name)") }
        return root.appendingPathComponent("cluster/\(id.name)")
    }

    public func certificateURL(of id: CertificateID) -> URL {
        let base = basePath(of: id)
        return base.deletingLastPathComponent().appendingPathComponent(base.lastPathComponent + (id.name == "sa" ? ".pub" : ".crt"))
    }

    public func keyURL(of id: CertificateID) -> URL {
        let base = basePath(of: id)
        return base.deletingLastPathComponent().appendingPathComponent(base.lastPathComponent + ".key")
    }

    /// Creates the store's directories (0700) for the cluster and these hosts.
    public func prepare(hostNames: [String]) throws {
        for name in hostNames where name.isEmpty || name.contains("/") || name == "." || name == ".." {
            throw PKIError.unsafeHostName(name)
        }
        try PrivateFileWriter.makePrivateDirectory(root.appendingPathComponent("cluster"))
        try PrivateFileWriter.makePrivateDirectory(root.appendingPathComponent("hosts"))
        for name in hostNames {
            try PrivateFileWriter.makePrivateDirectory(root.appendingPathComponent("hosts/\(name)"))
        }
    }

    /// The stored PEM texts of an entry; nil when neither file exists.
    public func read(_ id: CertificateID) throws -> (certificate: String?, key: String?)? {
        let certificate = try readIfPresent(certificateURL(of: id))
        let key = try readIfPresent(keyURL(of: id))
        if certificate == nil && key == nil { return nil }
        return (certificate, key)
    }

    /// - Parameter durable: fsync each file; bulk writers pass false and call `flush()` once.
    public func write(_ issued: IssuedCertificate, as id: CertificateID, durable: Bool = true) throws {
        try PrivateFileWriter.write(issued.privateKey.pem, to: keyURL(of: id), mode: 0o600, durable: durable)
        try PrivateFileWriter.write(issued.certificatePEM, to: certificateURL(of: id), mode: 0o644, durable: durable)
    }

    /// Makes every write so far durable.
    public func flush() { PrivateFileWriter.flush(root) }

    public func write(signingKey: PrivateKeyMaterial, as id: CertificateID) throws {
        try PrivateFileWriter.write(signingKey.pem, to: keyURL(of: id), mode: 0o600)
        try PrivateFileWriter.write(try signingKey.publicKeyPEM(), to: certificateURL(of: id), mode: 0o644)
    }

    /// Host directories in the store whose host is not in `hostNames` (removed hosts).
    public func orphanedHosts(keeping hostNames: Set<String>) -> [String] {
        let hosts = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("hosts").path)) ?? []
        return hosts.filter { !hostNames.contains($0) }.sorted()
    }

    private func readIfPresent(_ url: URL) throws -> String? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PKIError.fileSystem(path: url.path, operation: "read", errno: EACCES)
        }
        return String(decoding: data, as: UTF8.self)
    }
}
