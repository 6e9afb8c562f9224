import Foundation
import K8sctlModel
import K8sctlPKI
import K8sctlTransport

/// Keeps the local PKI store's certificate authorities identical to the cluster's: the CAs live
/// with the cluster, so a CI runner with an empty store adopts them instead of minting new ones
/// (which would break every node), and a store with different CAs is refused.
struct ClusterAuthorities {
    /// Store entry → node paths (certificate or public key, private key).
    static let authorities: [(id: String, certificate: String, key: String)] = [
        ("ca", "/etc/kubernetes/pki/ca.crt", "/etc/kubernetes/pki/ca.key"),
        ("front-proxy-ca", "/etc/kubernetes/pki/front-proxy-ca.crt", "/etc/kubernetes/pki/front-proxy-ca.key"),
        ("etcd-ca", "/etc/kubernetes/pki/etcd/ca.crt", "/etc/kubernetes/pki/etcd/ca.key"),
        ("sa", "/etc/kubernetes/pki/sa.pub", "/etc/kubernetes/pki/sa.key"),
    ]

    let store: PKIStore

    /// Adopts the cluster's CAs into an empty store; refuses when the store holds different ones.
    /// - Returns: which authorities were adopted.
    func synchronize(from host: any RemoteHost) async throws -> [String] {
        var adopted: [String] = []
        // One round trip for every authority's checksum: on each apply after the first the store
        // and the cluster agree, and nothing needs to be read.
        let remoteSums = try await host.checksums(Self.authorities.map(\.certificate))
        for authority in Self.authorities {
            guard case let remoteSum?? = remoteSums[authority.certificate] else { continue }
            let id = CertificateID(name: authority.id)
            let certificateURL = store.certificateURL(of: id), keyURL = store.keyURL(of: id)
            let local = FileManager.default.contents(atPath: certificateURL.path)
            if let local, Applier.sha256([UInt8](local)) == remoteSum { continue }
            guard let remoteCertificate = try await host.readFile(authority.certificate) else { continue }
            if let local {
                if Self.normalized([UInt8](local)) != Self.normalized(remoteCertificate) {
                    throw ExecutorError.refused(reason: """
                        the local PKI store's \(authority.id) (\(certificateURL.path)) is not the one the cluster uses \
                        (\(host.name):\(authority.certificate)); using it would break every node. Point --pki at the \
                        cluster's store, or move the local store aside so k8sctl adopts the cluster's authorities.
                        """)
                }
                continue
            }
            guard let remoteKey = try await host.readFile(authority.key) else {
                throw ExecutorError.refused(reason: "\(host.name) has \(authority.certificate) but not \(authority.key): cannot adopt the cluster's \(authority.id)")
            }
            try FileManager.default.createDirectory(at: keyURL.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try Self.writePrivate(remoteKey, to: keyURL)
            try Data(remoteCertificate).write(to: certificateURL)
            adopted.append(authority.id)
        }
        return adopted
    }

    private static func normalized(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Creates the key file 0600 from the start (no window at a wider mode).
    private static func writePrivate(_ bytes: [UInt8], to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw ExecutorError.refused(reason: "cannot create \(url.path): errno \(errno)") }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw ExecutorError.refused(reason: "cannot write \(url.path): errno \(errno)")
        }
    }
}
