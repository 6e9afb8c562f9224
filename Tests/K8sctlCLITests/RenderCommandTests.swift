import Foundation
import K8sctlTestSupport
import Testing

@Suite("k8sctl render")
struct RenderCommandTests {
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-render-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: RepositoryPaths.inventories.appendingPathComponent("single-node.yaml"),
                                         to: url.appendingPathComponent("cluster.yaml"))
        return url
    }

    @Test func render_writesPerHostTreesWithModes_andReusesThePKIOnTheSecondRun() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inventory = directory.appendingPathComponent("cluster.yaml").path
        let out = directory.appendingPathComponent("rendered").path
        let first = try K8sctlBinary.run(["render", inventory, "--out", out])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("rendered "))
        let hosts = try FileManager.default.contentsOfDirectory(atPath: out)
        let host = try #require(hosts.first)
        let admin = out + "/\(host)/etc/kubernetes/admin.conf"
        let mode = try FileManager.default.attributesOfItem(atPath: admin)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(FileManager.default.fileExists(atPath: out + "/\(host)/etc/kubernetes/manifests/kube-apiserver.yaml"))
        #expect(FileManager.default.fileExists(atPath: out + "/\(host)/etc/kubernetes/pki/apiserver.crt"))
        let firstBytes = try Data(contentsOf: URL(fileURLWithPath: admin))

        let second = try K8sctlBinary.run(["render", inventory, "--out", out])
        #expect(second.status == 0, "\(second.stderr)")
        // Same PKI store, same inventory: the same bytes.
        #expect(try Data(contentsOf: URL(fileURLWithPath: admin)) == firstBytes)
    }

    @Test func render_withAMissingTemplatesDirectory_exits2AndSaysWhereItLooked() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try K8sctlBinary.run(["render", directory.appendingPathComponent("cluster.yaml").path,
                                           "--out", directory.appendingPathComponent("r").path, "--templates", "/nonexistent"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("templates directory not found; looked in: /nonexistent"))
    }
}
