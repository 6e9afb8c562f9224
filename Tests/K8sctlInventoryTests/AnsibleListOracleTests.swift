import Foundation
import K8sctlInventory
import K8sctlTestSupport
import Testing

/// Our `--list` view against `ansible-inventory --list` itself, on inventories of different styles.
@Suite struct AnsibleListOracleTests {
    static let oracleAvailable = ProcessRunner.isAvailable("ansible-inventory")

    /// (fixture directory under Tests/Fixtures/ansible, inventory path inside it)
    static let inventories: [(String, String)] = [
        ("ini-styles", "inventory.ini"),
        ("yaml-styles", "hosts.yml"),
        ("precedence", "hosts"),
        ("kubespray-sample", "inventory.ini"),
        ("kubespray-sample", "."),
        ("kubespray-yaml", "hosts.yaml"),
        ("../../../inventories/kubespray", "inventory.ini"),
    ]

    @Test(.enabled(if: oracleAvailable, "ansible-inventory is not installed (pip install ansible-core); CI installs it"),
          arguments: inventories)
    func listJSON_matchesAnsibleInventory(fixture: String, inventory: String) throws {
        let path = RepositoryPaths.fixtures.appendingPathComponent("ansible/\(fixture)/\(inventory)").standardizedFileURL.path
        let (loaded, diagnostics) = AnsibleInventory.load(path: path)
        let inventoryValue = try #require(loaded, "load failed: \(diagnostics)")
        let ours = try AnsibleJSONReader().value(from: inventoryValue.listJSON())
        let theirs = try AnsibleListOracle.list(path)
        let differences = AnsibleListOracle.differences(ours, theirs)
        #expect(differences.isEmpty, "\(fixture)/\(inventory) differs from ansible-inventory:\n\(differences.prefix(20).joined(separator: "\n"))")
    }

    static let sharedSample = RepositoryPaths.sharedKubespraySample.appendingPathComponent("inventory.ini").path

    @Test(.enabled(if: oracleAvailable, "ansible-inventory is not installed (pip install ansible-core); CI installs it"),
          .enabled(if: FileManager.default.fileExists(atPath: sharedSample),
                   "../shared/fixtures/kubespray-sample absent; its Tests/Fixtures copy is compared above"))
    func listJSON_ofTheSharedKubespraySample_matchesAnsibleInventory() throws {
        let sample = Self.sharedSample
        let (loaded, diagnostics) = AnsibleInventory.load(path: sample)
        let inventory = try #require(loaded, "load failed: \(diagnostics)")
        let differences = AnsibleListOracle.differences(try AnsibleJSONReader().value(from: inventory.listJSON()),
                                                        try AnsibleListOracle.list(sample))
        #expect(differences.isEmpty, "\(differences.prefix(20).joined(separator: "\n"))")
    }
}

/// Runs `ansible-inventory --list` and compares JSON values structurally.
enum AnsibleListOracle {
    static func list(_ path: String) throws -> AnsibleValue {
        // An empty working directory: ansible-inventory also reads ./group_vars as "playbook" vars.
        let cwd = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: cwd) }
        let output = try ProcessRunner.run("ansible-inventory", ["-i", path, "--list"],
                                           environment: ["ANSIBLE_NOCOLOR": "1", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"],
                                           directory: cwd)
        guard output.succeeded else { throw OracleFailure(message: "ansible-inventory failed: \(output.stderr)") }
        return try AnsibleJSONReader().value(from: output.stdout)
    }

    struct OracleFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Every path where the two values differ, e.g. `_meta.hostvars.node1.ip: ours "x", ansible "y"`.
    static func differences(_ ours: AnsibleValue, _ theirs: AnsibleValue, path: String = "") -> [String] {
        switch (ours, theirs) {
        case let (.mapping(left), .mapping(right)):
            var found: [String] = []
            for key in Set(left.keys).union(right.keys).sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                switch (left[key], right[key]) {
                case let (l?, r?): found += differences(l, r, path: child)
                case let (l?, nil): found.append("\(child): only ours: \(l)")
                case let (nil, r?): found.append("\(child): only ansible's: \(r)")
                default: break
                }
            }
            return found
        case let (.list(left), .list(right)) where left.count == right.count:
            return zip(left, right).enumerated().flatMap { differences($1.0, $1.1, path: "\(path)[\($0)]") }
        default:
            return ours == theirs ? [] : ["\(path): ours \(ours), ansible \(theirs)"]
        }
    }
}
