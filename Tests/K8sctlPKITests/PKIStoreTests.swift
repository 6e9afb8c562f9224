import Foundation
import K8sctlModel
import Testing
@testable import K8sctlPKI

/// The store across runs: what is kept, what is re-issued, and how files sit on disk.
@Suite struct PKIStoreTests {
    func mode(_ url: URL) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as! NSNumber).intValue
    }

    func files(under url: URL) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil)!
        return enumerator.compactMap { $0 as? URL }
    }

    func serials(_ report: IssueReport) -> [CertificateID: String] {
        Dictionary(uniqueKeysWithValues: report.entries.map { ($0.id, $0.serialHex) })
    }

    @Test func keys_are0600_certificates0644_directories0700() throws {
        let directory = try TemporaryDirectory()
        _ = try ClusterPKI.ensure(cluster: PKIFixtures.cluster(algorithm: .ecdsaP256), store: directory.store)
        let all = files(under: directory.store.root)
        #expect(all.count > 20)
        for url in all {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            let expected = isDirectory.boolValue ? 0o700 : url.pathExtension == "key" ? 0o600 : 0o644
            #expect(try mode(url) == expected, "\(url.path)")
            if !isDirectory.boolValue { #expect(try String(contentsOf: url, encoding: .utf8).hasSuffix("-----\n")) }
        }
        #expect(try mode(directory.store.root) == 0o700)
        #expect(!all.contains { $0.lastPathComponent.hasSuffix(".tmp") })
    }

    @Test func secondRun_reusesEverything_withTheSameSerials() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        let (_, first) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let before = try files(under: directory.store.root).filter { !$0.hasDirectoryPath }
            .map { ($0.path, try Data(contentsOf: $0)) }
        let (_, second) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        #expect(first.renewed.isEmpty && first.reused.isEmpty && first.issued.count == first.entries.count)
        #expect(second.issued.isEmpty && second.renewed.isEmpty)
        #expect(second.reused.count == first.entries.count)
        #expect(serials(first) == serials(second))
        for (path, data) in before { #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == data, "\(path)") }
    }

    @Test func changingAHostAddress_reissuesOnlyTheCertificatesNamingIt() throws {
        let directory = try TemporaryDirectory()
        var cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        let (_, first) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        cluster.hosts[1].address = IPAddress("10.0.0.42")!
        let (state, second) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        #expect(Set(second.renewed) == [CertificateID(name: "apiserver", host: "cp2"),
                                        CertificateID(name: "etcd-server", host: "cp2"),
                                        CertificateID(name: "etcd-peer", host: "cp2")])
        #expect(second.issued.isEmpty)
        if case .renewed(.alternativeNamesChanged(let added, let removed)) = second.action(for: CertificateID(name: "apiserver", host: "cp2")) {
            #expect(added == ["IP:10.0.0.42"] && removed == ["IP:10.0.0.12"])
        } else {
            Issue.record("apiserver@cp2 not renewed for its SANs: \(String(describing: second.action(for: CertificateID(name: "apiserver", host: "cp2"))))")
        }
        #expect(state.certificate("apiserver", host: "cp2")!.summary.alternativeNames.ipAddresses.contains(IPAddress("10.0.0.42")!))
        let unchanged = serials(first).filter { !second.renewed.contains($0.key) }
        for (id, serial) in unchanged { #expect(serials(second)[id] == serial, "\(id)") }
    }

    @Test func addingAnEtcdMember_mintsItsCertificates_andTouchesNothingElse() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        _ = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let grown = PKIFixtures.cluster(algorithm: .ecdsaP256, extraHosts: [
            Host(name: "e4", address: IPAddress("10.0.0.34")!, roles: [.etcd]),
        ])
        let (state, report) = try ClusterPKI.ensure(cluster: grown, store: directory.store)
        #expect(Set(report.issued) == [CertificateID(name: "etcd-server", host: "e4"), CertificateID(name: "etcd-peer", host: "e4")])
        #expect(report.renewed.isEmpty)
        let etcdFiles = state.credentials(for: grown.host(named: "e4")!).files.map(\.path)
        #expect(etcdFiles.contains("/etc/kubernetes/pki/etcd/peer.key"))
    }

    @Test func addingAWorker_mintsOnlyItsKubeletCredential() throws {
        let directory = try TemporaryDirectory()
        _ = try ClusterPKI.ensure(cluster: PKIFixtures.cluster(algorithm: .ecdsaP256), store: directory.store)
        let grown = PKIFixtures.cluster(algorithm: .ecdsaP256, extraHosts: [
            Host(name: "w3", address: IPAddress("10.0.0.23")!, roles: [.worker]),
        ])
        let (_, report) = try ClusterPKI.ensure(cluster: grown, store: directory.store)
        #expect(report.issued == [CertificateID(name: "kubeconfig-kubelet", host: "w3")])
        #expect(report.renewed.isEmpty)
    }

    @Test func leavesNearExpiry_areRenewed_authoritiesAndServiceAccountKeyKept() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        let (_, first) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let later = Date().addingTimeInterval(340 * 86_400)
        let (_, second) = try ClusterPKI.ensure(cluster: cluster, store: directory.store, now: later)
        let kept: Set<CertificateID> = [CertificateID(name: "ca"), CertificateID(name: "front-proxy-ca"),
                                        CertificateID(name: "etcd-ca"), CertificateID(name: "sa")]
        #expect(Set(second.reused) == kept)
        #expect(second.renewed.count == first.entries.count - kept.count)
        for entry in second.entries where !kept.contains(entry.id) {
            guard case .renewed(.expiresSoon) = entry.action else { Issue.record("\(entry.id): \(entry.action)"); continue }
        }
    }

    @Test func missingAuthorityKey_isRefused_neverSilentlyReminted() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        _ = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let caCertificate = directory.store.certificateURL(of: CertificateID(name: "ca"))
        let before = try Data(contentsOf: caCertificate)
        try FileManager.default.removeItem(at: directory.store.keyURL(of: CertificateID(name: "ca")))
        #expect {
            try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        } throws: { error in
            guard case PKIError.authorityUnusable(let name, _, let reason) = error else { return false }
            return name == "ca" && reason.contains("private key is missing") && "\(error)".contains("never replaces")
        }
        #expect(try Data(contentsOf: caCertificate) == before)
    }

    @Test func deliberatelyRemovedAuthority_reissuesExactlyTheLeavesItSigned() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        _ = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        for url in [directory.store.certificateURL(of: CertificateID(name: "front-proxy-ca")),
                    directory.store.keyURL(of: CertificateID(name: "front-proxy-ca"))] {
            try FileManager.default.removeItem(at: url)
        }
        let (_, report) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        #expect(report.issued == [CertificateID(name: "front-proxy-ca")])
        #expect(report.renewed == [CertificateID(name: "front-proxy-client")])
        #expect(report.action(for: CertificateID(name: "front-proxy-client")) == .renewed(.authorityChanged))
    }

    @Test func switchingKeyAlgorithm_reissuesLeaves_keepsAuthorities() throws {
        let directory = try TemporaryDirectory()
        _ = try ClusterPKI.ensure(cluster: PKIFixtures.cluster(algorithm: .ecdsaP256), store: directory.store)
        let (state, report) = try ClusterPKI.ensure(cluster: PKIFixtures.cluster(algorithm: .rsa2048), store: directory.store)
        #expect(report.issued.isEmpty)
        #expect(report.renewed.allSatisfy { report.action(for: $0) == .renewed(.keyAlgorithmChanged) })
        #expect(report.reused.count == 4)
        #expect(state.certificate("apiserver", host: "cp1")!.privateKey.algorithm == .rsa2048)
    }

    @Test func certificateWithAForeignKey_isReissued() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        _ = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let id = CertificateID(name: "apiserver-kubelet-client")
        try FileManager.default.removeItem(at: directory.store.keyURL(of: id))
        try PrivateFileWriter.write(try PrivateKeyMaterial.generate(.ecdsaP256).pem, to: directory.store.keyURL(of: id), mode: 0o600)
        let (_, report) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        #expect(report.renewed == [id])
        #expect(report.action(for: id) == .renewed(.keyMissingOrMismatched))
    }

    @Test func removedHost_isReportedAsOrphaned() throws {
        let directory = try TemporaryDirectory()
        var cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        _ = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        cluster.hosts.removeAll { $0.name == "w2" }
        let (_, report) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        #expect(report.warnings.contains { $0.contains("hosts/w2") })
    }

    @Test(arguments: ["../evil", ".", "a/b"])
    func hostNameThatIsNotAPathComponent_isRefused(name: String) throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256, extraHosts: [
            Host(name: name, address: IPAddress("10.0.0.99")!, roles: [.worker]),
        ])
        #expect(throws: PKIError.unsafeHostName(name)) { try ClusterPKI.ensure(cluster: cluster, store: directory.store) }
    }

    @Test func defaultLocation_isNextToTheInventory() {
        let store = PKIStore.defaultLocation(inventoryPath: "/srv/clusters/prod.yaml", clusterName: "prod")
        #expect(store.root.path == "/srv/clusters/.k8sctl/prod/pki")
    }
}
