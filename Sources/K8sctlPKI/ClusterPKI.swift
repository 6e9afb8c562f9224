import Foundation
import K8sctlModel

/// Brings a cluster's PKI store in line with its inventory: authorities are created once and
/// kept, every other certificate is reused while it still fits and (re-)issued when not. Leaves
/// are issued in parallel across the machine's cores, so 1,000 node credentials take seconds.
public enum ClusterPKI {
    /// Ensures every certificate the catalog asks for `cluster` exists in `store`.
    /// - Parameters:
    ///   - cluster: the desired cluster; its hosts and roles decide which per-host certificates exist.
    ///   - store: the PKI store on disk; created if missing.
    ///   - now: the instant used for validity and renewal decisions.
    ///   - renewing: catalog names of leaf certificates to re-issue even though they still fit
    ///     (`k8sctl certs renew`); authorities and the service-account key are never in it.
    /// - Returns: the resulting PKI (for `credentials(for:)`) and what was reused, issued or renewed.
    /// - Throws: `PKIError` — an unusable existing CA is never replaced on its own.
    public static func ensure(cluster: Cluster, store: PKIStore, now: Date = Date(),
                              renewing: Set<String> = []) throws -> (PKIState, IssueReport) {
        let settings = cluster.pki
        let issuer = CertificateIssuer(settings: settings, now: now)
        try store.prepare(hostNames: cluster.hosts.map(\.name))
        var entries: [IssueReport.Entry] = []
        var warnings: [String] = []

        var authorities: [String: IssuedCertificate] = [:]
        for spec in CertificateCatalog.authorities {
            let request = CertificateRequest(spec: spec, host: nil, cluster: cluster)
            let (authority, action) = try ensureAuthority(request, store: store, issuer: issuer)
            if case .reused = action, ReuseDecision.expiresSoon(authority.certificate.notValidAfter, settings: settings, now: now) {
                warnings.append("certificate authority '\(spec.name)' expires \(authority.certificate.notValidAfter); plan a CA rotation")
            }
            authorities[spec.name] = authority
            entries.append(.init(id: request.id, action: action, serialHex: authority.summary.serialHex))
        }

        let signingKeyID = CertificateID(name: "sa")
        let (signingKey, signingAction) = try ensureSigningKey(signingKeyID, store: store, algorithm: settings.keyAlgorithm)
        entries.append(.init(id: signingKeyID, action: signingAction, serialHex: ""))

        let requests = leafRequests(for: cluster)
        let signers = authorities
        let results = ParallelResults<Result<(IssuedCertificate, IssueReport.Action), Error>>(count: requests.count)
        DispatchQueue.concurrentPerform(iterations: requests.count) { index in
            let request = requests[index]
            results[index] = Result {
                try ensureLeaf(request, authority: signers[request.authority!]!, store: store, issuer: issuer,
                               renew: renewing.contains(request.id.name))
            }
        }

        store.flush()
        var certificates: [CertificateID: IssuedCertificate] = [:]
        var failures: [String] = []
        for (request, result) in zip(requests, results.values) {
            switch result {
            case .success(let (issued, action))?:
                certificates[request.id] = issued
                entries.append(.init(id: request.id, action: action, serialHex: issued.summary.serialHex))
            case .failure(let error)?:
                failures.append("\(request.id): \(error)")
            case nil:
                failures.append("\(request.id): not processed")
            }
        }
        if !failures.isEmpty { throw PKIError.issueFailed(failures) }

        for orphan in store.orphanedHosts(keeping: Set(cluster.hosts.map(\.name))) {
            warnings.append("\(store.root.path)/hosts/\(orphan) belongs to a host no longer in the inventory; delete it once the host is gone")
        }
        let state = PKIState(authorities: authorities, serviceAccountKey: signingKey, certificates: certificates)
        return (state, IssueReport(entries: entries, warnings: warnings))
    }

    /// Every leaf the catalog asks for: cluster-wide ones once, per-host ones for each receiving host.
    public static func leafRequests(for cluster: Cluster) -> [CertificateRequest] {
        var requests: [CertificateRequest] = []
        for spec in CertificateCatalog.entries where spec.authorityName != nil {
            switch spec.scope {
            case .cluster:
                requests.append(CertificateRequest(spec: spec, host: nil, cluster: cluster))
            case .host:
                for host in cluster.hosts where spec.recipients.getsCertificate(host) {
                    requests.append(CertificateRequest(spec: spec, host: host, cluster: cluster))
                }
            }
        }
        return requests
    }

    private static func ensureAuthority(_ request: CertificateRequest, store: PKIStore,
                                        issuer: CertificateIssuer) throws -> (IssuedCertificate, IssueReport.Action) {
        let path = store.certificateURL(of: request.id).path
        guard let stored = try store.read(request.id) else {
            let authority = try issuer.issueAuthority(request)
            try store.write(authority, as: request.id)
            return (authority, .issued)
        }
        guard let certificatePEM = stored.certificate, let keyPEM = stored.key else {
            throw PKIError.authorityUnusable(name: request.id.name, path: path,
                                             reason: stored.certificate == nil ? "its certificate is missing" : "its private key is missing")
        }
        let authority: IssuedCertificate
        do {
            authority = try IssuedCertificate(certificatePEM: certificatePEM, privateKeyPEM: keyPEM)
        } catch {
            throw PKIError.authorityUnusable(name: request.id.name, path: path, reason: "not readable PEM (\(error))")
        }
        guard authority.keyMatches else {
            throw PKIError.authorityUnusable(name: request.id.name, path: path, reason: "its private key does not match its certificate")
        }
        guard authority.summary.isAuthority else {
            throw PKIError.authorityUnusable(name: request.id.name, path: path, reason: "it is not a CA certificate")
        }
        guard authority.certificate.notValidAfter > issuer.now else {
            throw PKIError.authorityUnusable(name: request.id.name, path: path,
                                             reason: "it expired \(authority.certificate.notValidAfter)")
        }
        return (authority, .reused)
    }

    /// The service-account signing key is kept forever once made: replacing it would invalidate
    /// every service-account token in the cluster.
    private static func ensureSigningKey(_ id: CertificateID, store: PKIStore,
                                         algorithm: PKISettings.KeyAlgorithm) throws -> (PrivateKeyMaterial, IssueReport.Action) {
        if let stored = try store.read(id), let keyPEM = stored.key {
            do {
                let key = try PrivateKeyMaterial(pem: keyPEM)
                if stored.certificate != (try key.publicKeyPEM()) { try store.write(signingKey: key, as: id) }
                return (key, .reused)
            } catch {
                throw PKIError.unreadable(path: store.keyURL(of: id).path, reason: "\(error)")
            }
        }
        let key = try PrivateKeyMaterial.generate(algorithm)
        try store.write(signingKey: key, as: id)
        return (key, .issued)
    }

    private static func ensureLeaf(_ request: CertificateRequest, authority: IssuedCertificate, store: PKIStore,
                                   issuer: CertificateIssuer, renew: Bool) throws -> (IssuedCertificate, IssueReport.Action) {
        let action: IssueReport.Action
        if renew, try store.read(request.id) != nil {
            action = .renewed(.requested)
        } else if let stored = try store.read(request.id) {
            if let certificatePEM = stored.certificate, let keyPEM = stored.key {
                do {
                    let existing = try IssuedCertificate(certificatePEM: certificatePEM, privateKeyPEM: keyPEM)
                    guard let reason = ReuseDecision.reason(stored: existing, request: request, authority: authority,
                                                            settings: issuer.settings, now: issuer.now) else {
                        return (existing, .reused)
                    }
                    action = .renewed(reason)
                } catch {
                    action = .renewed(.unreadable("\(error)"))
                }
            } else {
                action = .renewed(.keyMissingOrMismatched)
            }
        } else {
            action = .issued
        }
        let issued = try issuer.issue(request, by: authority)
        try store.write(issued, as: request.id, durable: false)
        return (issued, action)
    }
}

/// Slots written by `concurrentPerform` workers, one index each.
final class ParallelResults<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Value? {
        get { lock.lock(); defer { lock.unlock() }; return storage[index] }
        set { lock.lock(); storage[index] = newValue; lock.unlock() }
    }

    var values: [Value?] { lock.lock(); defer { lock.unlock() }; return storage }
}
