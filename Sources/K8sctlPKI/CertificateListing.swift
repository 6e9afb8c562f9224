import Foundation
import K8sctlModel

/// Every certificate an inventory asks for, with what the store holds for it. Read-only: listing
/// never issues. Backs `k8sctl certs list`.
public enum CertificateListing {
    public struct Row: Sendable, Hashable, Codable {
        /// `apiserver@cp1`, `ca`.
        public var id: String
        public var host: String?
        /// Where it lands on nodes (`/etc/kubernetes/pki/apiserver.crt`, `/etc/kubernetes/admin.conf`).
        public var path: String
        public var commonName: String
        public var organizations: [String]
        public var alternativeNames: [String]
        public var authority: String?
        /// Expiry of the stored certificate; nil when none is stored.
        public var notAfter: Date?
        /// `valid`, `not issued`, or `will be re-issued: <reason>`.
        public var status: String
    }

    public static func rows(cluster: Cluster, store: PKIStore, now: Date = Date()) -> [Row] {
        var rows: [Row] = []
        var authorities: [String: IssuedCertificate] = [:]
        for spec in CertificateCatalog.authorities {
            let request = CertificateRequest(spec: spec, host: nil, cluster: cluster)
            let stored = try? load(request.id, from: store)
            if let stored { authorities[spec.name] = stored }
            var status = stored == nil ? "not issued" : "valid"
            if let stored, stored.certificate.notValidAfter <= now { status = "expired: CA rotation needed" }
            rows.append(row(spec: spec, request: request, stored: stored, status: status))
        }
        for request in ClusterPKI.leafRequests(for: cluster) {
            let spec = CertificateCatalog.entry(named: request.id.name)!
            let stored = try? load(request.id, from: store)
            let status: String
            if let stored, let authority = authorities[request.authority ?? ""] {
                status = ReuseDecision.reason(stored: stored, request: request, authority: authority,
                                              settings: cluster.pki, now: now).map { "will be re-issued: \($0)" } ?? "valid"
            } else {
                status = "not issued"
            }
            rows.append(row(spec: spec, request: request, stored: stored, status: status))
        }
        return rows
    }

    private static func load(_ id: CertificateID, from store: PKIStore) throws -> IssuedCertificate? {
        guard let texts = try store.read(id), let certificate = texts.certificate, let key = texts.key else { return nil }
        return try IssuedCertificate(certificatePEM: certificate, privateKeyPEM: key)
    }

    private static func row(spec: CertificateSpec, request: CertificateRequest, stored: IssuedCertificate?, status: String) -> Row {
        let path: String = switch spec.placement {
        case .files(let certificate, _): certificate
        case .kubeconfig(let name): "/etc/kubernetes/\(name).conf"
        }
        let names = request.alternativeNames
        return Row(id: request.id.description, host: request.id.host, path: path, commonName: request.commonName,
                   organizations: request.organizations,
                   alternativeNames: names.sortedDNSNames + names.sortedIPAddresses.map(\.description),
                   authority: request.authority, notAfter: stored?.certificate.notValidAfter, status: status)
    }
}
