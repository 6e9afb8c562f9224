import Foundation
import K8sctlModel
@testable import K8sctlPKI
import Testing

/// `ClusterPKI.ensure(…, renewing:)`, what `k8sctl certs renew` runs, and the validity it issues with.
@Suite struct RequestedRenewalTests {
    @Test func renewingNamedLeaves_reissuesExactlyThem_onEveryHost_andKeepsTheRest() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        let (firstState, _) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let (secondState, report) = try ClusterPKI.ensure(cluster: cluster, store: directory.store, renewing: ["etcd-server", "kubeconfig-admin"])
        let expected: Set<CertificateID> = Set(["cp1", "cp2", "cp3"].map { CertificateID(name: "etcd-server", host: $0) } + [CertificateID(name: "kubeconfig-admin")])
        #expect(Set(report.renewed) == expected)
        for id in expected {
            #expect(report.action(for: id) == .renewed(.requested))
            #expect(firstState.certificates[id]?.summary.serialHex != secondState.certificates[id]?.summary.serialHex, "\(id) kept its serial")
        }
        #expect(report.issued.isEmpty)
        for (id, certificate) in secondState.certificates where !expected.contains(id) {
            #expect(firstState.certificates[id]?.summary.serialHex == certificate.summary.serialHex, "\(id) was re-issued")
        }
        #expect(firstState.authorities["ca"]?.summary.serialHex == secondState.authorities["ca"]?.summary.serialHex)
    }

    @Test func authorityNames_inTheRenewSet_neverReissueAnAuthority() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        _ = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let (_, report) = try ClusterPKI.ensure(cluster: cluster, store: directory.store, renewing: ["ca", "etcd-ca", "sa"])
        #expect(report.renewed.isEmpty)
    }

    @Test func renewedLeaf_getsTheCurrentValidity() throws {
        let directory = try TemporaryDirectory()
        var cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        cluster.pki.certificateValidityDays = 10
        cluster.pki.renewBeforeDays = 0
        let now = Date()
        let (first, _) = try ClusterPKI.ensure(cluster: cluster, store: directory.store, now: now)
        let id = CertificateID(name: "apiserver", host: "cp1")
        let short = try #require(first.certificates[id]).certificate.notValidAfter.timeIntervalSince(now) / 86_400
        #expect(short > 9.99 && short < 10.001) // X.509 times have whole seconds
        cluster.pki.certificateValidityDays = 100
        let (second, _) = try ClusterPKI.ensure(cluster: cluster, store: directory.store, now: now, renewing: ["apiserver"])
        let long = try #require(second.certificates[id]).certificate.notValidAfter.timeIntervalSince(now) / 86_400
        #expect(long > 99.99 && long < 100.001)
    }
}
