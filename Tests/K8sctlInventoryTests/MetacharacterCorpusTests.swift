import K8sctlInventory
import K8sctlModel
import Testing

/// Every inventory string that can reach a remote command or a file on a node, filled with shell
/// metacharacters, newlines, quotes and unicode: the loader either refuses it with an error at the
/// value's own line, or — only for fields where such a value is legitimately data — keeps it byte
/// for byte (the e2e test `MetacharacterApplyTests` then checks it arrives literally on a node).
struct MetacharacterCorpusTests {
    /// The hostile payloads: each shell metacharacter on its own, command substitution in both
    /// syntaxes, a newline, both quotes, a NUL-free control character, and non-ASCII text.
    static let payloads: [String] = [
        "a;touch /tmp/k8sctl-pwned", "$(touch /tmp/k8sctl-pwned)", "`touch /tmp/k8sctl-pwned`",
        "a|id", "a&id", "a>/tmp/k8sctl-pwned", "a</etc/shadow", "a\nb", "a'b", "a\"b", "a\\b",
        "a b", "a\tb", "ünïcødé", "a\u{202E}b", "a)b", "a(b", "${IFS}", "*", "~root",
    ]

    /// A field: where the payload goes in the inventory, and whether the loader may accept hostile
    /// text there (true only where the value is data a component reads, never a name, path or
    /// command word).
    struct Field: CustomTestStringConvertible, Sendable {
        var name: String
        /// The inventory line with `@` where the (YAML double-quoted, escaped) payload goes.
        var line: String
        var section: Section
        var mayCarryAnyText: Bool
        enum Section: Sendable { case metadata, spec, host }
        var testDescription: String { name }
    }

    static let fields: [Field] = [
        Field(name: "cluster name", line: "metadata: { name: @ }", section: .metadata, mayCarryAnyText: false),
        Field(name: "host name", line: "    - { name: @, address: 10.0.0.1, roles: [control-plane, etcd, worker] }", section: .host, mayCarryAnyText: false),
        Field(name: "host label key", line: "    - { name: cp1, address: 10.0.0.1, roles: [control-plane, etcd, worker], labels: { @: v } }", section: .host, mayCarryAnyText: false),
        Field(name: "host label value", line: "    - { name: cp1, address: 10.0.0.1, roles: [control-plane, etcd, worker], labels: { k: @ } }", section: .host, mayCarryAnyText: false),
        Field(name: "host taint", line: "    - { name: cp1, address: 10.0.0.1, roles: [control-plane, etcd, worker], taints: [@] }", section: .host, mayCarryAnyText: false),
        Field(name: "host pool", line: "    - { name: cp1, address: 10.0.0.1, roles: [control-plane, etcd, worker], pool: @ }", section: .host, mayCarryAnyText: false),
        Field(name: "host address", line: "    - { name: cp1, address: @, roles: [control-plane, etcd, worker] }", section: .host, mayCarryAnyText: false),
        Field(name: "host ssh user", line: "    - { name: cp1, address: 10.0.0.1, roles: [control-plane, etcd, worker], ssh: { user: @ } }", section: .host, mayCarryAnyText: false),
        Field(name: "pool name", line: "  nodePools: [ { name: @ } ]", section: .spec, mayCarryAnyText: false),
        Field(name: "pool zone", line: "  nodePools: [ { name: web, zone: @ } ]", section: .spec, mayCarryAnyText: false),
        Field(name: "pool label value", line: "  nodePools: [ { name: web, labels: { tier: @ } } ]", section: .spec, mayCarryAnyText: false),
        Field(name: "pool taint", line: "  nodePools: [ { name: web, taints: [@] } ]", section: .spec, mayCarryAnyText: false),
        Field(name: "etcd dataDir", line: "  etcd: { dataDir: @ }", section: .spec, mayCarryAnyText: false),
        Field(name: "etcd snapshotDir", line: "  etcd: { snapshotDir: @ }", section: .spec, mayCarryAnyText: false),
        Field(name: "etcd extraArgs name", line: "  etcd: { extraArgs: { @: v } }", section: .spec, mayCarryAnyText: false),
        Field(name: "apiserver extraArgs name", line: "  controlPlane: { extraArgs: { apiserver: { @: v } } }", section: .spec, mayCarryAnyText: false),
        Field(name: "ssh user", line: "  ssh: { user: @ }", section: .spec, mayCarryAnyText: false),
        Field(name: "image repository", line: "  kubernetes: { version: 1.31.4, imageRepository: @ }", section: .spec, mayCarryAnyText: false),
        Field(name: "dns domain", line: "  network: { dnsDomain: @ }", section: .spec, mayCarryAnyText: false),
        Field(name: "kubelet cgroup driver", line: "  kubelet: { cgroupDriver: @ }", section: .spec, mayCarryAnyText: false),
        Field(name: "kubelet runtime endpoint", line: "  kubelet: { containerRuntimeEndpoint: @ }", section: .spec, mayCarryAnyText: false),
        // Values a component parses as data: passed as one argv element / one YAML string, never
        // through a shell. Single-line ones are accepted; the e2e test proves they arrive literally.
        Field(name: "apiserver extraArgs value", line: "  controlPlane: { extraArgs: { apiserver: { audit-log-path: @ } } }", section: .spec, mayCarryAnyText: true),
        Field(name: "etcd extraArgs value", line: "  etcd: { extraArgs: { log-level: @ } }", section: .spec, mayCarryAnyText: true),
        // A directory on the machine running k8sctl, read there; artifacts reach hosts under fixed
        // paths, so the source path never reaches a host (any file name is legal locally).
        Field(name: "artifact source", line: "  artifacts: { source: @ }", section: .spec, mayCarryAnyText: true),
        Field(name: "kubelet extraArgs value", line: "  kubelet: { extraArgs: { node-labels: @ } }", section: .spec, mayCarryAnyText: true),
    ]

    static let cases: [(Field, String)] = fields.flatMap { field in payloads.map { (field, $0) } }

    /// The inventory with `payload` in `field`, and the 1-based line it sits on.
    static func inventory(_ field: Field, _ payload: String) -> (text: String, line: Int) {
        let value = field.line.replacingOccurrences(of: "@", with: yamlQuoted(payload))
        var lines = ["apiVersion: k8sctl.dev/v1", "kind: Cluster"]
        lines.append(field.section == .metadata ? value : "metadata: { name: meta }")
        lines.append("spec:")
        if field.name != "image repository" { lines.append("  kubernetes: { version: 1.31.4 }") }
        if field.section == .spec { lines.append(value) }
        lines.append("  hosts:")
        lines.append(field.section == .host ? value : "    - { name: cp1, address: 10.0.0.1, roles: [control-plane, etcd, worker] }")
        let line = lines.firstIndex(of: value)! + 1
        return (lines.joined(separator: "\n") + "\n", line)
    }

    /// YAML double-quoted scalar: the payload reaches the loader exactly, whatever it contains.
    static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                out += scalar.value < 0x20 || (0x200E...0x202E).contains(scalar.value)
                    ? "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4) : String(scalar)
            }
        }
        return out + "\""
    }

    @Test("a hostile string is refused at its line, or kept literally where it is data", arguments: cases)
    func hostileValue_isRefusedAtItsPosition_orKeptLiterally(_ field: Field, _ payload: String) throws {
        let (text, line) = Self.inventory(field, payload)
        let result = InventoryLoader().load(text: text, file: "hostile.yaml")
        let errors = result.diagnostics.filter { $0.severity == .error }
        if let cluster = result.cluster, errors.isEmpty {
            #expect(field.mayCarryAnyText, "\(field.name) accepted \(payload.debugDescription)")
            // Accepted: the model holds the exact bytes (nothing trimmed, unescaped or re-quoted).
            let held: String? = switch field.name {
            case "apiserver extraArgs value": cluster.controlPlane.extraArgs.apiserver["audit-log-path"]
            case "etcd extraArgs value": cluster.etcd.extraArgs["log-level"]
            case "kubelet extraArgs value": cluster.kubelet.extraArgs["node-labels"]
            case "artifact source": cluster.artifacts.source
            default: nil
            }
            #expect(held == payload, "\(field.name): model holds \(String(describing: held).debugDescription)")
        } else {
            #expect(result.cluster == nil, "errors but a cluster was returned")
            let positioned = errors.filter { $0.location?.file == "hostile.yaml" && $0.location?.line == line }
            #expect(!positioned.isEmpty, "\(field.name) \(payload.debugDescription): no error at line \(line): \(errors.map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-") \($0.message)" })")
        }
    }

    /// A newline is never legal, not even in a value a component parses: it would split a systemd
    /// ExecStart line or a YAML flag list.
    @Test(arguments: fields.filter { $0.mayCarryAnyText && $0.name.contains("extraArgs") })
    func newlineInAFlagValue_isRefused(_ field: Field) {
        let (text, line) = Self.inventory(field, "a\nb")
        let result = InventoryLoader().load(text: text, file: "hostile.yaml")
        #expect(result.cluster == nil)
        #expect(result.diagnostics.contains { $0.severity == .error && $0.location?.line == line })
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
