import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlPKI

/// The issued PKI as openssl sees it: chains verify, subjects, usages and SANs are what the
/// catalog asks for, and an apiserver certificate serves a mutual-TLS handshake.
@Suite(.enabled(if: ProcessRunner.isAvailable("openssl"))) struct OpenSSLVerificationTests {
    /// Ensures the fixture cluster, renders cp1 (stacked control plane + etcd) and w1, returns their roots.
    static func renderedCluster(_ algorithm: PKISettings.KeyAlgorithm) throws
        -> (directory: TemporaryDirectory, controlPlane: URL, worker: URL, cluster: Cluster) {
        let directory = try TemporaryDirectory("openssl")
        let cluster = PKIFixtures.cluster(algorithm: algorithm)
        let (state, _) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let controlPlane = try directory.render(state.credentials(for: cluster.host(named: "cp1")!))
        let worker = try directory.render(state.credentials(for: cluster.host(named: "w1")!))
        return (directory, controlPlane, worker, cluster)
    }

    /// Where each catalog entry lands in cp1's rendered tree (certificate file, its CA file).
    static func files(of spec: CertificateSpec, in root: URL) -> (certificate: URL, authority: URL) {
        let authorityPath: String = {
            guard let name = spec.authorityName ?? (spec.isAuthority ? spec.name : nil),
                  case .files(let path, _) = CertificateCatalog.entry(named: name)!.placement else { return "" }
            return path
        }()
        switch spec.placement {
        case .files(let certificate, _):
            return (root.appendingPathComponent(String(certificate.dropFirst())), root.appendingPathComponent(String(authorityPath.dropFirst())))
        case .kubeconfig(let name):
            return (root.appendingPathComponent("kubeconfig/\(name).crt"), root.appendingPathComponent(String(authorityPath.dropFirst())))
        }
    }

    static let certificateEntries = CertificateCatalog.entries.filter { $0.kind != .signingKeyPair }

    @Test(arguments: PKISettings.KeyAlgorithm.allCases)
    func everyCertificate_verifiesAgainstItsAuthority(algorithm: PKISettings.KeyAlgorithm) throws {
        let rendered = try Self.renderedCluster(algorithm)
        for spec in Self.certificateEntries {
            let (certificate, authority) = Self.files(of: spec, in: rendered.controlPlane)
            var arguments = ["verify", "-x509_strict", "-CAfile", authority.path]
            if spec.extendedKeyUsages == [.serverAuth] { arguments += ["-purpose", "sslserver"] }
            if spec.extendedKeyUsages == [.clientAuth] { arguments += ["-purpose", "sslclient"] }
            let result = try ProcessRunner.run("openssl", arguments + [certificate.path])
            #expect(result.succeeded && result.stdout.hasSuffix(": OK\n"), "\(spec.name): \(result.stdout)\(result.stderr)")
        }
        let workerCA = rendered.worker.appendingPathComponent("etc/kubernetes/pki/ca.crt").path
        let kubelet = try ProcessRunner.run("openssl", ["verify", "-purpose", "sslclient", "-CAfile", workerCA,
                                                        rendered.worker.appendingPathComponent("kubeconfig/kubelet.crt").path])
        #expect(kubelet.succeeded, "\(kubelet.stderr)")
    }

    @Test func certificate_signedByAnotherAuthority_failsVerification() throws {
        let rendered = try Self.renderedCluster(.ecdsaP256)
        let etcdCA = rendered.controlPlane.appendingPathComponent("etc/kubernetes/pki/etcd/ca.crt").path
        let apiserver = rendered.controlPlane.appendingPathComponent("etc/kubernetes/pki/apiserver.crt").path
        let result = try ProcessRunner.run("openssl", ["verify", "-CAfile", etcdCA, apiserver])
        #expect(!result.succeeded)
    }

    /// A table test over the catalog, run on one issued cluster (issuing per row made RSA runs slow).
    @Test func openssl_showsTheCatalogsSubjectUsagesAndNames() throws {
        let rendered = try Self.renderedCluster(.rsa2048)
        for spec in Self.certificateEntries {
            try Self.expectOpenSSLShows(spec, rendered: rendered)
        }
    }

    static func expectOpenSSLShows(_ spec: CertificateSpec,
                                   rendered: (directory: TemporaryDirectory, controlPlane: URL, worker: URL, cluster: Cluster)) throws {
        let host = rendered.cluster.host(named: "cp1")!
        let request = CertificateRequest(spec: spec, host: host, cluster: rendered.cluster)
        let (certificate, _) = Self.files(of: spec, in: rendered.controlPlane)
        let result = try ProcessRunner.run("openssl", [
            "x509", "-noout", "-in", certificate.path, "-subject", "-nameopt", "RFC2253",
            "-ext", "subjectAltName,extendedKeyUsage,keyUsage,basicConstraints", "-enddate"])
        try #require(result.succeeded, "\(result.stderr)")
        let text = result.stdout
        let subjectLine = text.split(separator: "\n").first { $0.hasPrefix("subject=") }.map { String($0.dropFirst(8)) } ?? ""
        let parts = subjectLine.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(parts.filter { $0.hasPrefix("CN=") } == ["CN=" + request.commonName], "\(spec.name)")
        #expect(Set(parts.filter { $0.hasPrefix("O=") }) == Set(request.organizations.map { "O=" + $0 }), "\(spec.name)")

        if spec.isAuthority {
            #expect(text.contains("CA:TRUE"), "\(spec.name)")
            #expect(text.contains("Certificate Sign"), "\(spec.name)")
        } else {
            #expect(text.contains("CA:FALSE"), "\(spec.name)")
            #expect(text.contains("Digital Signature, Key Encipherment"), "\(spec.name)")
            #expect(text.contains("TLS Web Server Authentication") == request.extendedKeyUsages.contains(.serverAuth), "\(spec.name)")
            #expect(text.contains("TLS Web Client Authentication") == request.extendedKeyUsages.contains(.clientAuth), "\(spec.name)")
        }
        var shown = AlternativeNames()
        if let sanLine = text.split(separator: "\n").first(where: { $0.contains("DNS:") || $0.contains("IP Address:") }) {
            for item in sanLine.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if item.hasPrefix("DNS:") { shown.dnsNames.insert(String(item.dropFirst(4))) }
                if item.hasPrefix("IP Address:") { shown.ipAddresses.insert(IPAddress(String(item.dropFirst(11)))!) }
            }
        }
        #expect(shown == request.alternativeNames, "\(spec.name): \(text)")
    }

    @Test func validity_isTenYearsForAuthoritiesAndOneYearForLeaves() throws {
        let rendered = try Self.renderedCluster(.ecdsaP256)
        for (path, days) in [("etc/kubernetes/pki/ca.crt", 3650), ("etc/kubernetes/pki/apiserver.crt", 365)] {
            let file = rendered.controlPlane.appendingPathComponent(path).path
            let inside = try ProcessRunner.run("openssl", ["x509", "-noout", "-in", file, "-checkend", "\((days - 1) * 86_400)"])
            let beyond = try ProcessRunner.run("openssl", ["x509", "-noout", "-in", file, "-checkend", "\((days + 1) * 86_400)"])
            #expect(inside.succeeded && !beyond.succeeded, "\(path)")
        }
    }

    @Test func signingKeyPair_publicKeyMatchesPrivateKey() throws {
        let rendered = try Self.renderedCluster(.rsa2048)
        let pki = rendered.controlPlane.appendingPathComponent("etc/kubernetes/pki")
        let derived = try ProcessRunner.run("openssl", ["pkey", "-in", pki.appendingPathComponent("sa.key").path, "-pubout"])
        let stored = try String(contentsOf: pki.appendingPathComponent("sa.pub"), encoding: .utf8)
        #expect(derived.succeeded && derived.stdout == stored)
    }

    @Test(arguments: PKISettings.KeyAlgorithm.allCases)
    func mutualTLS_apiserverCertificateAndAdminClient_handshake(algorithm: PKISettings.KeyAlgorithm) throws {
        let rendered = try Self.renderedCluster(algorithm)
        let pki = rendered.controlPlane.appendingPathComponent("etc/kubernetes/pki")
        let client = rendered.controlPlane.appendingPathComponent("kubeconfig")
        let accepted = try TLSHandshake.run(
            serverCertificate: pki.appendingPathComponent("apiserver.crt"), serverKey: pki.appendingPathComponent("apiserver.key"),
            clientAuthority: pki.appendingPathComponent("ca.crt"),
            clientCertificate: client.appendingPathComponent("admin.crt"), clientKey: client.appendingPathComponent("admin.key"),
            serverAuthority: pki.appendingPathComponent("ca.crt"), serverName: "kubernetes.default.svc")
        #expect(accepted.succeeded, "\(accepted.log)")
        // The same server refuses a client certificate from the etcd authority.
        let refused = try TLSHandshake.run(
            serverCertificate: pki.appendingPathComponent("apiserver.crt"), serverKey: pki.appendingPathComponent("apiserver.key"),
            clientAuthority: pki.appendingPathComponent("ca.crt"),
            clientCertificate: pki.appendingPathComponent("apiserver-etcd-client.crt"),
            clientKey: pki.appendingPathComponent("apiserver-etcd-client.key"),
            serverAuthority: pki.appendingPathComponent("ca.crt"), serverName: "kubernetes.default.svc")
        #expect(!refused.succeeded, "\(refused.log)")
    }
}

extension PKISettings.KeyAlgorithm: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}

