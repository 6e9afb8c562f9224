import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlTestSupport
@testable import K8sctlValidation

/// A real sample inventory and an edited copy, loaded with the real loader so that positions are
/// the file's: cp2 moves address without `replacement`, cp3 loses etcd, the pod CIDR overlaps services.
enum SampleChange {
    static let previousFile = "previous/ha-3.yaml"
    static let desiredFile = "inventories/ha-3.yaml"

    static var previousText: String {
        try! String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("ha-3.yaml"), encoding: .utf8)
    }

    static var desiredText: String {
        previousText
            .replacingOccurrences(of: "{ name: cp2, address: 10.0.0.12,", with: "{ name: cp2, address: 10.0.0.42,")
            .replacingOccurrences(of: "{ name: cp3, address: 10.0.0.13, internalAddress: 10.0.1.13, roles: [control-plane, etcd] }",
                                  with: "{ name: cp3, address: 10.0.0.13, internalAddress: 10.0.1.13, roles: [control-plane] }")
            .replacingOccurrences(of: "podCIDR: 10.244.0.0/16", with: "podCIDR: 10.96.0.0/16")
    }

    static func load(_ text: String, _ file: String) -> Cluster {
        let result = InventoryLoader().load(text: text, file: file)
        guard let cluster = result.cluster else { fatalError("sample does not load: \(result.diagnostics)") }
        return cluster
    }

    static func report(strict: Bool = false) -> ValidationReport {
        let input = ValidationInput(previous: load(previousText, previousFile), desired: load(desiredText, desiredFile))
        let validator = Validator()
        return ValidationReport(diagnostics: validator.validate(input), checkedRules: validator.appliedRules(for: input),
                                inventoryFile: desiredFile, previousSource: previousFile, strict: strict, toolVersion: "0.1.0")
    }

    /// 1-based line of the first line containing `needle`.
    static func line(of needle: String, in text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.firstIndex { $0.contains(needle) } ?? -1) + 1
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temporaryFile(_ text: String, suffix: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-validation-\(UUID().uuidString)\(suffix)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Runs a Python 3 script with arguments; returns the process output.
    static func python(_ script: String, _ arguments: [String]) throws -> ProcessOutput {
        try ProcessRunner.run("python3", ["-c", script] + arguments)
    }
}
