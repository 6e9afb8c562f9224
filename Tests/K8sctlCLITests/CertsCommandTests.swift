import Foundation
import K8sctlTestSupport
import Testing

@Suite("k8sctl certs")
struct CertsCommandTests {
    /// A copy of a sample inventory in a fresh directory, so the default store lands there.
    func inventoryCopy(_ name: String) throws -> (directory: URL, inventory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let inventory = directory.appendingPathComponent(name)
        try FileManager.default.copyItem(at: RepositoryPaths.inventories.appendingPathComponent(name), to: inventory)
        return (directory, inventory)
    }

    @Test func ensureThenList_showsEveryCertificateValid_andASecondEnsureReusesAll() throws {
        let (directory, inventory) = try inventoryCopy("ha-3.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try K8sctlBinary.run(["certs", "list", inventory.path])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("not issued"))

        let first = try K8sctlBinary.run(["certs", "ensure", inventory.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("issued  ca\n") && !first.stdout.contains("PRIVATE KEY"))
        let second = try K8sctlBinary.run(["certs", "ensure", inventory.path])
        #expect(second.stdout.contains(" 0 issued, 0 renewed"), "\(second.stdout)")

        let json = try K8sctlBinary.run(["certs", "list", inventory.path, "--format", "json"])
        #expect(json.status == 0)
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: [[String: Any]]]
        let rows = try #require(document?["certificates"])
        #expect(!rows.isEmpty && rows.allSatisfy { $0["status"] as? String == "valid" && $0["notAfter"] is String })
        #expect(rows.contains { $0["id"] as? String == "kubeconfig-super-admin" && ($0["organizations"] as? [String]) == ["system:masters"] })
    }

    @Test func checkExpiration_overTheStore_listsEveryCertificateAndExitsZero() throws {
        let (directory, inventory) = try inventoryCopy("single-node.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("store")
        #expect(try K8sctlBinary.run(["certs", "ensure", inventory.path, "--pki-dir", store.path]).status == 0)
        let table = try K8sctlBinary.run(["certs", "check-expiration", "--state", store.path])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("PATH"))
        #expect(table.stdout.contains("cluster/ca.crt") && table.stdout.contains(" ok\n"))
        let json = try K8sctlBinary.run(["certs", "check-expiration", "--state", store.path, "-f", "json"])
        #expect(json.stdout.contains("\"residualDays\""))
    }

    @Test func checkExpiration_missingDirectory_exits2() throws {
        let run = try K8sctlBinary.run(["certs", "check-expiration", "--state", "/nonexistent/k8sctl-rendered"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("not a directory"))
    }

    @Test func ensure_withTheCAKeyGone_refusesWithExit1() throws {
        let (directory, inventory) = try inventoryCopy("single-node.yaml")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("store")
        #expect(try K8sctlBinary.run(["certs", "ensure", inventory.path, "--pki-dir", store.path]).status == 0)
        try FileManager.default.removeItem(at: store.appendingPathComponent("cluster/ca.key"))
        let run = try K8sctlBinary.run(["certs", "ensure", inventory.path, "--pki-dir", store.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("certificate authority 'ca'") && run.stderr.contains("never replaces"))
    }
}
