import Foundation
import K8sctlTestSupport
import Testing

/// `etcd snapshot|restore`, `certs renew` and `certs check-expiration` refuse unusable input with
/// exit 2 before they connect to anything (the sample inventories' hosts do not exist here).
@Suite("maintenance commands: unusable input")
struct MaintenanceCommandInputTests {
    static let sample = RepositoryPaths.inventories.appendingPathComponent("ha-3.yaml").path

    @Test func restore_withoutYes_offATerminal_exits2() throws {
        let run = try K8sctlBinary.run(["etcd", "restore", Self.sample, "/var/backups/etcd/x.db"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--yes") && run.stderr.contains("nothing was changed"), "\(run.stderr)")
    }

    @Test func restore_ofARelativePathThatIsNotALocalFile_exits2() throws {
        let run = try K8sctlBinary.run(["etcd", "restore", Self.sample, "no-such-snapshot.db", "--yes"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("no such local file"), "\(run.stderr)")
    }

    @Test func restore_ofAnEmptyLocalFile_exits2() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-empty-\(UUID().uuidString).db")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        let run = try K8sctlBinary.run(["etcd", "restore", Self.sample, empty.path, "--yes"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("is empty"), "\(run.stderr)")
    }

    @Test func snapshot_pullIntoAMissingDirectory_exits2() throws {
        let run = try K8sctlBinary.run(["etcd", "snapshot", Self.sample, "--pull", "/nonexistent/k8sctl-pull"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("not a directory"), "\(run.stderr)")
    }

    @Test(arguments: [["ca"], ["no-such-cert"], ["sa"]])
    func renew_ofAnAuthorityOrUnknownName_exits2_listingTheRenewable(names: [String]) throws {
        let run = try K8sctlBinary.run(["certs", "renew", Self.sample] + names)
        #expect(run.status == 2)
        #expect(run.stderr.contains("renewable: apiserver"), "\(run.stderr)")
    }

    @Test func renew_withNamesAndAll_orNeither_isAUsageError() throws {
        #expect(try K8sctlBinary.run(["certs", "renew", Self.sample]).status == 2)
        #expect(try K8sctlBinary.run(["certs", "renew", Self.sample, "--all", "apiserver"]).status == 2)
    }

    @Test func checkExpiration_needsAnInventoryOrADirectory_notBoth() throws {
        #expect(try K8sctlBinary.run(["certs", "check-expiration"]).status == 2)
        #expect(try K8sctlBinary.run(["certs", "check-expiration", Self.sample, "--state", "/tmp"]).status == 2)
    }

    @Test func checkExpiration_failOnExpiring_exits1_overAStoreOfShortLivedCertificates() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-short-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inventory = directory.appendingPathComponent("single-node.yaml")
        let text = try String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("single-node.yaml"), encoding: .utf8)
        try (text + "  pki: { keyAlgorithm: ecdsa-p256, certificateValidityDays: 10, renewBeforeDays: 0 }\n")
            .write(to: inventory, atomically: true, encoding: .utf8)
        let ensure = try K8sctlBinary.run(["certs", "ensure", inventory.path])
        try #require(ensure.status == 0, "\(ensure.stderr)")
        let store = directory.appendingPathComponent(".k8sctl").path
        #expect(try K8sctlBinary.run(["certs", "check-expiration", "--state", store, "--within", "30"]).status == 0)
        let failing = try K8sctlBinary.run(["certs", "check-expiration", "--state", store, "--within", "30", "--fail-on", "expiring"])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("expiring"))
        #expect(try K8sctlBinary.run(["certs", "check-expiration", "--state", store, "--within", "5", "--fail-on", "expiring"]).status == 0)
    }
}
