import Foundation
@testable import K8sctlExecutor
import K8sctlModel
import K8sctlPKI
import Testing

/// The table of which component reads which certificate file (what `certs renew` and renewal
/// during apply restart), and the parsing of the live certificate check.
@Suite struct CertificateConsumerTests {
    static let cp = K8sctlModel.Host(name: "cp1", address: IPAddress("10.0.0.11")!, roles: [.controlPlane, .etcd])
    static let worker = K8sctlModel.Host(name: "w1", address: IPAddress("10.0.0.21")!, roles: [.worker])
    static let etcdOnly = K8sctlModel.Host(name: "e1", address: IPAddress("10.0.0.31")!, roles: [.etcd])

    /// Every input path is a file the PKI catalog or a kubeconfig puts on nodes.
    @Test func everyInput_isAPathTheCatalogPlaces() {
        var placed = Set<String>()
        for spec in CertificateCatalog.entries {
            switch spec.placement {
            case .files(let certificate, let key): placed.formUnion([certificate, key])
            case .kubeconfig(let name): placed.insert("/etc/kubernetes/\(name).conf")
            }
        }
        for (consumer, paths) in CertificateConsumer.inputs {
            for path in paths {
                #expect(placed.contains(path), "\(consumer.rawValue) reads \(path), which nothing places")
                #expect(CertificateConsumer.carriesCertificates(path), "\(path) would not be compared")
            }
        }
        #expect(Set(CertificateConsumer.inputs.keys) == Set(CertificateConsumer.allCases))
    }

    @Test(arguments: [
        (["/etc/kubernetes/pki/etcd/server.crt", "/etc/kubernetes/pki/etcd/server.key"], cp, [CertificateConsumer.etcd]),
        (["/etc/kubernetes/pki/apiserver.crt"], cp, [.kubeAPIServer]),
        (["/etc/kubernetes/pki/apiserver-etcd-client.crt"], cp, [.kubeAPIServer]),
        (["/etc/kubernetes/scheduler.conf", "/etc/kubernetes/controller-manager.conf"], cp, [.kubeControllerManager, .kubeScheduler]),
        (["/etc/kubernetes/kubelet.conf"], worker, [.kubelet]),
        (["/etc/kubernetes/kubelet.conf", "/etc/kubernetes/pki/etcd/peer.crt"], cp, [.etcd, .kubelet]),
        (["/etc/kubernetes/pki/etcd/peer.crt"], worker, []),
        (["/etc/kubernetes/admin.conf", "/etc/kubernetes/pki/etcd/healthcheck-client.crt"], cp, []),
        (["/etc/kubernetes/pki/etcd/server.crt"], etcdOnly, [.etcd]),
    ])
    func changedFiles_restartExactlyTheirReaders_inOrder(paths: [String], host: K8sctlModel.Host, expected: [CertificateConsumer]) {
        #expect(CertificateConsumer.affected(by: Set(paths), on: host) == expected)
    }

    @Test func certificateCarriers_areThePKITreeAndTopLevelKubeconfigs() {
        #expect(CertificateConsumer.carriesCertificates("/etc/kubernetes/pki/sa.key"))
        #expect(CertificateConsumer.carriesCertificates("/etc/kubernetes/admin.conf"))
        #expect(!CertificateConsumer.carriesCertificates("/etc/kubernetes/manifests/kube-apiserver.yaml"))
        #expect(!CertificateConsumer.carriesCertificates("/etc/kubernetes/manifests/x.conf"))
        #expect(!CertificateConsumer.carriesCertificates("/etc/etcd/etcd.env"))
    }

    @Test func liveCheckOutput_isSplitPerFile_withTheHost_andKubeconfigFields() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("k.pem").path, crt = directory.appendingPathComponent("c.pem").path
        let made = try Process.run(URL(fileURLWithPath: "/usr/bin/openssl"),
                                   arguments: ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                               "-keyout", key, "-out", crt, "-days", "5", "-subj", "/CN=live-test"])
        made.waitUntilExit()
        let pem = try String(contentsOfFile: crt, encoding: .utf8)
        let encoded = Data(pem.utf8).base64EncodedString()
        let output = """
            ==> /etc/kubernetes/pki/etcd/server.crt
            \(pem)
            ==> /etc/kubernetes/admin.conf
                certificate-authority-data: \(encoded)
                client-certificate-data: \(encoded)
            ==> /etc/kubernetes/pki/empty.crt

            ==> /etc/kubernetes/pki/broken.crt
            -----BEGIN CERTIFICATE-----
            bm90IGEgY2VydA==
            -----END CERTIFICATE-----
            """
        let (rows, problems) = LiveCertificateCheck.rows(from: output, host: "cp1", now: Date(), withinDays: 30)
        #expect(rows.map(\.path) == ["/etc/kubernetes/pki/etcd/server.crt", "/etc/kubernetes/admin.conf#certificate-authority-data",
                                     "/etc/kubernetes/admin.conf#client-certificate-data"])
        #expect(rows.allSatisfy { $0.host == "cp1" && $0.status == .expiring && $0.commonName == "live-test" })
        #expect(problems.count == 1 && problems[0].hasPrefix("cp1:/etc/kubernetes/pki/broken.crt"), "\(problems)")
        #expect(ExpirationCheck.table(rows).hasPrefix("HOST"))
    }

    @Test(arguments: [("snapshot-20250101T000000Z.db", true), ("e2e.db", true), (".hidden.db", false), ("x.tar", false),
                      ("../x.db", false), ("a/b.db", false), ("a b.db", false), ("a;b.db", false)])
    func snapshotNames_arePlainDBFileNames(name: String, accepted: Bool) {
        #expect(EtcdSnapshotTaker.isPlainFileName(name) == accepted)
    }

    @Test func defaultSnapshotName_isUTCTimeStamped() {
        #expect(EtcdSnapshotTaker.defaultName(now: Date(timeIntervalSince1970: 0)) == "snapshot-19700101T000000Z.db")
    }
}
