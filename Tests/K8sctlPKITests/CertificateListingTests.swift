import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlPKI

@Suite struct CertificateListingTests {
    @Test func beforeAnyRun_everythingIsNotIssued_andListingWritesNothing() throws {
        let directory = try TemporaryDirectory()
        let rows = CertificateListing.rows(cluster: PKIFixtures.cluster(algorithm: .ecdsaP256), store: directory.store)
        #expect(rows.allSatisfy { $0.status == "not issued" && $0.notAfter == nil })
        #expect(!FileManager.default.fileExists(atPath: directory.store.root.path))
        let kubelet = try #require(rows.first { $0.id == "kubeconfig-kubelet@w1" })
        #expect(kubelet.path == "/etc/kubernetes/kubelet.conf" && kubelet.commonName == "system:node:w1")
    }

    @Test func afterEnsure_rowsAreValid_andAChangedAddressShowsWhatWillBeReissued() throws {
        let directory = try TemporaryDirectory()
        var cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        _ = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        #expect(CertificateListing.rows(cluster: cluster, store: directory.store).allSatisfy { $0.status == "valid" && $0.notAfter != nil })
        cluster.hosts[0].address = IPAddress("10.0.0.77")!
        let rows = CertificateListing.rows(cluster: cluster, store: directory.store)
        let pending = Set(rows.filter { $0.status.hasPrefix("will be re-issued") }.map(\.id))
        #expect(pending == ["apiserver@cp1", "etcd-server@cp1", "etcd-peer@cp1"])
        let table = CertificateListing.table(rows)
        #expect(table.hasPrefix("CERTIFICATE"))
        #expect(table.contains("/etc/kubernetes/pki/apiserver.crt"))
        #expect(table.contains("will be re-issued: SANs changed +[IP:10.0.0.77] -[IP:10.0.0.11]"), "\(table)")
        let json = try JSONSerialization.jsonObject(with: Data(try CertificateListing.json(rows).utf8)) as? [String: Any]
        #expect((json?["certificates"] as? [Any])?.count == rows.count)
    }
}

@Suite struct ExpirationCheckTests {
    @Test func scan_findsPEMFilesAndKubeconfigData_andFlagsExpiry() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        let (state, _) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let rendered = try directory.render(state.credentials(for: cluster.hosts[0]))
        let admin = state.credentials(for: cluster.hosts[0]).kubeconfigs["admin"]!
        let kubeconfig = """
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: \(Data(admin.certificateAuthorityPEM.utf8).base64EncodedString())
                server: https://127.0.0.1:6443
              name: pki-test
            users:
            - name: kubernetes-admin
              user:
                client-certificate-data: \(Data(admin.certificatePEM.utf8).base64EncodedString())
                client-key-data: \(Data(admin.privateKeyPEM.utf8).base64EncodedString())
            """
        try kubeconfig.write(to: rendered.appendingPathComponent("etc/kubernetes/admin.conf"), atomically: true, encoding: .utf8)

        let rows = try ExpirationCheck.scan(directory: rendered)
        #expect(rows.contains { $0.path == "etc/kubernetes/admin.conf#client-certificate-data" && $0.commonName == "kubernetes-admin" })
        #expect(rows.contains { $0.path == "etc/kubernetes/pki/ca.crt" && $0.isAuthority && $0.residualDays >= 3649 })
        #expect(rows.filter { !$0.isAuthority }.allSatisfy { $0.status == .ok && (363...365).contains($0.residualDays) })

        let later = try ExpirationCheck.scan(directory: rendered, now: Date().addingTimeInterval(350 * 86_400))
        #expect(later.filter { !$0.isAuthority }.allSatisfy { $0.status == .expiring })
        let expired = try ExpirationCheck.scan(directory: rendered, now: Date().addingTimeInterval(400 * 86_400))
        #expect(expired.filter { !$0.isAuthority }.allSatisfy { $0.status == .expired && $0.residualDays < 0 })
        #expect(expired.filter(\.isAuthority).allSatisfy { $0.status == .ok })
    }

    /// The same expiry openssl reads from the file.
    @Test(.enabled(if: ProcessRunner.isAvailable("openssl")))
    func expiry_matchesOpenSSL() throws {
        let directory = try TemporaryDirectory()
        let (state, _) = try ClusterPKI.ensure(cluster: PKIFixtures.cluster(algorithm: .ecdsaP256), store: directory.store)
        let file = directory.url.appendingPathComponent("apiserver.crt")
        try state.certificate("apiserver", host: "cp1")!.certificatePEM.write(to: file, atomically: true, encoding: .utf8)
        let row = try #require(try ExpirationCheck.scan(directory: directory.url).first { $0.path == "apiserver.crt" })
        let openssl = try ProcessRunner.run("openssl", ["x509", "-noout", "-enddate", "-dateopt", "iso_8601", "-in", file.path])
        // openssl prints `notAfter=2027-11-22 14:55:01Z`
        let text = openssl.stdout.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "notAfter=", with: "")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        #expect(formatter.date(from: text) == row.notAfter, "\(openssl.stdout)\(openssl.stderr)")
    }

    @Test func corruptCertificateFile_isReportedWithItsPath() throws {
        let directory = try TemporaryDirectory()
        try "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
            .write(to: directory.url.appendingPathComponent("broken.crt"), atomically: true, encoding: .utf8)
        #expect { try ExpirationCheck.scan(directory: directory.url) } throws: { error in
            guard case PKIError.unreadable(let path, _) = error else { return false }
            return path == "broken.crt"
        }
    }
}
