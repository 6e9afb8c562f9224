import Foundation
import K8sctlInventory
import K8sctlTestSupport
import Testing

@Suite("k8sctl inventory import")
struct AnsibleInventoryImportCommandTests {
    @Test func import_kubespraySample_writesANativeInventoryThatLoads() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-import-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: output) }
        let run = try K8sctlBinary.run(["inventory", "import", "inventories/kubespray/inventory.ini", "-o", output.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("inventories/kubespray/group_vars/k8s_cluster/k8s-cluster.yml:"), "warnings carry positions")
        #expect(run.stderr.contains(": warning: kube_proxy_mode"))
        let show = try K8sctlBinary.run(["inventory", "show", output.path])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("node7"))
    }

    @Test func import_toStdout_printsYAML() throws {
        let run = try K8sctlBinary.run(["inventory", "import", "inventories/kubespray/inventory.ini"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("apiVersion: k8sctl.dev/v1\n"))
    }

    @Test(.enabled(if: ProcessRunner.isAvailable("ansible-inventory"), "ansible-inventory is not installed (pip install ansible-core)"))
    func importList_printsWhatAnsibleInventoryPrints() throws {
        let run = try K8sctlBinary.run(["inventory", "import", "--list", "inventories/kubespray/inventory.ini"])
        #expect(run.status == 0, "\(run.stderr)")
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let oracle = try ProcessRunner.run("ansible-inventory", ["-i", RepositoryPaths.inventories.appendingPathComponent("kubespray/inventory.ini").path, "--list"],
                                           directory: empty)
        #expect(oracle.succeeded, "\(oracle.stderr)")
        let ours = try AnsibleJSONReader().value(from: run.stdout)
        let theirs = try AnsibleJSONReader().value(from: oracle.stdout)
        #expect(ours == theirs)
    }

    @Test(arguments: [
        ("Tests/Fixtures/ansible/broken/undefined-child.ini", ":5:1: error: section [k8s_cluster:children] includes undefined group 'kube_node'"),
        ("Tests/Fixtures/ansible/broken/jinja-filter.ini", ":7:1: error: kube_pods_subnet is a Jinja template"),
        ("Tests/Fixtures/ansible/does-not-exist.ini", "error: inventory 'Tests/Fixtures/ansible/does-not-exist.ini' does not exist"),
    ])
    func import_unusableInventory_exits2WithAPositionedError(path: String, expected: String) throws {
        let run = try K8sctlBinary.run(["inventory", "import", path])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(expected), "\(run.stderr)")
        #expect(run.stderr.contains("nothing was written"))
    }

    /// One mistake on a range line is one error per host: the first 200 diagnostics are shown (here
    /// the missing kube_version warning and 199 errors), then a count, and the summary line still
    /// ends the output.
    @Test func import_thousandsOfErrors_showsTheFirst200AndCountsTheRest() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-many-\(UUID().uuidString).ini")
        defer { try? FileManager.default.removeItem(at: file) }
        try "[kube_node]\nw[0001:1000]\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try K8sctlBinary.run(["inventory", "import", file.path])
        #expect(run.status == 2)
        let shown = run.stderr.components(separatedBy: ": error: host w").count - 1
        #expect(shown == 199, "\(shown) errors shown")
        #expect(run.stderr.contains("… and 801 more not shown (801 errors, 0 other)"), "\(run.stderr.suffix(300))")
        #expect(run.stderr.hasSuffix("1000 errors; nothing was written\n"), "\(run.stderr.suffix(300))")
    }
}
