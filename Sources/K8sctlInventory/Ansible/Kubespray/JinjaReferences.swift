/// The one kind of Jinja k8sctl evaluates: plain references to other variables, alone or inside
/// text (`{{ cluster_name }}`, `{{ kube_config_dir }}/ssl`). Anything else — filters, lookups,
/// expressions, `{% %}` blocks — is reported to the user rather than guessed at.
struct JinjaReferences {
    enum Outcome: Equatable {
        /// The value had no template.
        case literal(AnsibleValue)
        case resolved(AnsibleValue)
        /// The template, and why it could not be evaluated.
        case unresolved(reason: String)
    }

    /// Variables references are looked up in (one host's merged variables).
    var variables: AnsibleMapping
    /// Nested references deeper than this are treated as a loop.
    var depthLimit = 16

    static func isTemplated(_ text: String) -> Bool {
        text.contains("{{") || text.contains("{%") || text.contains("{#")
    }

    func evaluate(_ value: AnsibleValue) -> Outcome {
        guard case .string(let text) = value, Self.isTemplated(text) else { return .literal(value) }
        switch evaluate(text, depth: 0) {
        case .success(let resolved): return .resolved(resolved)
        case .failure(let failure): return .unresolved(reason: failure.reason)
        }
    }

    struct Failure: Error { var reason: String }

    private func evaluate(_ text: String, depth: Int) -> Result<AnsibleValue, Failure> {
        guard depth < depthLimit else { return .failure(Failure(reason: "references nest more than \(depthLimit) deep (a loop?)")) }
        if text.contains("{%") || text.contains("{#") {
            return .failure(Failure(reason: "Jinja statements ({% … %}) are not evaluated by k8sctl"))
        }
        var pieces: [AnsibleValue] = []
        var literalText = ""
        var rest = Substring(text)
        var onlyOneReference = true
        while let open = rest.range(of: "{{") {
            literalText += rest[..<open.lowerBound]
            if !rest[..<open.lowerBound].isEmpty { onlyOneReference = false }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                return .failure(Failure(reason: "unterminated '{{'"))
            }
            let expression = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard Self.isIdentifier(expression) else {
                return .failure(Failure(reason: "'{{ \(expression) }}' is more than a variable reference (filters, lookups and expressions are not evaluated)"))
            }
            guard let referenced = variables[expression] else {
                return .failure(Failure(reason: "'\(expression)' is not defined in the inventory (it may be a Kubespray role default or a fact)"))
            }
            var value = referenced
            if case .string(let inner) = referenced, Self.isTemplated(inner) {
                switch evaluate(inner, depth: depth + 1) {
                case .success(let resolved): value = resolved
                case .failure(let failure): return .failure(Failure(reason: "via '\(expression)': \(failure.reason)"))
                }
            }
            pieces.append(value)
            literalText += Self.text(of: value)
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { onlyOneReference = false }
        literalText += rest
        // `{{ x }}` alone keeps x's type, as Ansible's native types do for a single expression.
        if onlyOneReference, pieces.count == 1 { return .success(pieces[0]) }
        return .success(.string(literalText))
    }

    private static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" }
    }

    private static func text(of value: AnsibleValue) -> String {
        switch value {
        case .string(let text), .unsafe(let text): text
        case .int(let number): String(number)
        case .float(let number): AnsibleJSONWriter.floatText(number)
        case .bool(let flag): flag ? "True" : "False"
        case .null: "None"
        default: AnsibleJSONWriter(indent: nil).text(for: value)
        }
    }
}
