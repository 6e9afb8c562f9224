import Foundation
import K8sctlModel
@testable import K8sctlPlanning
import K8sctlTestSupport
import Testing

/// The byte scanner that finds `{{variables}}` (it replaced Foundation's `range(of:)`, which was a
/// sixth of planning time at 5,000 hosts) against the previous implementation, kept here as the oracle.
@Suite("Playbook variable substitution")
struct VariableSubstitutionTests {
    /// The substitution as it was written before the scanner: `range(of:)` and Foundation trimming.
    static func oracleSubstitute(_ text: String, _ values: [String: String]) -> String {
        guard text.contains("{{") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            result += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            result += values[name] ?? ""
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    static func oracleReferences(_ text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    static let values: VariableValues = {
        let host = Host(name: "w1", address: IPAddress("10.0.0.7")!, roles: [.worker])
        return VariableValues(cluster: Cluster(name: "c", kubernetes: KubernetesSettings(version: SemanticVersion("1.31.4")!), hosts: [host]),
                              previous: nil, host: host, etcdEndpoint: "10.0.0.1")
    }()

    /// Fragments that stress the scanner: nested and unbalanced braces, blanks (ASCII and not)
    /// inside the braces, multi-byte text around them.
    static let pieces = ["{{", "}}", "{", "}", "host.name", " host.address ", "\u{00A0}etcd.clientPort\u{3000}", "\t",
                         "kubernetes.version", "x", "/etc/", "é", "日本", "{{{", "}}}", "unknown.var", ":", "👩‍💻", ""]

    @Test func substitute_matchesTheRangeOfImplementation_onSeededStrings() {
        var rng = SeededGenerator(state: 8)
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...9, using: &rng)).map { _ in Self.pieces.randomElement(using: &rng)! }.joined()
            #expect(Self.values.substitute(text) == Self.oracleSubstitute(text, Self.values.scalars.merging(
                Self.values.lists.mapValues { $0.joined(separator: ",") }) { scalar, _ in scalar }), "\(text.debugDescription)")
            #expect(PlaybookVariable.references(in: text) == Self.oracleReferences(text), "\(text.debugDescription)")
        }
    }

    @Test(arguments: [
        ("https://{{host.address}}:{{ etcd.clientPort }}/health", "https://10.0.0.7:2379/health"),
        ("{{host.name}}", "w1"), ("no variables", "no variables"), ("{{host.name", "{{host.name"),
        ("{{{host.name}}}", "}"), ("a{{}}b", "ab"), ("é{{host.name}}日本", "éw1日本"),
    ])
    func substitute_examples(text: String, expected: String) {
        #expect(Self.values.substitute(text) == expected)
    }

    @Test func hostSpecificVariables_areTheOnesThatDifferPerHost() {
        #expect(PlaybookVariable.allCases.filter(\.isHostSpecific) == [.hostName, .hostAddress, .hostLabels, .hostTaints])
        #expect(StepAction.cordon(NodeAction(node: "{{host.name}}")).usesHostVariables)
        #expect(!StepAction.unit(UnitAction(name: "kubelet.service")).usesHostVariables)
    }
}
