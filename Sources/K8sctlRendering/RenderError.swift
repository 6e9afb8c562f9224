import K8sctlModel

/// Why rendering failed. Template problems name the template file and line; input problems name
/// the host and what to change in the inventory.
public enum RenderError: Error, Sendable, Equatable {
    /// No `templates/` directory was found; `searched` lists every place that was tried.
    case templatesNotFound(searched: [String])
    /// A template the renderer needs is missing from the library's directory.
    case missingTemplate(name: String, directory: String)
    /// A template does not parse as mustache.
    case templateSyntax(file: String, line: Int, column: Int, message: String)
    /// A template does not start with `{{%CONTENT_TYPE:TEXT}}`, so values would be HTML-escaped.
    case missingTextPragma(file: String)
    /// A template uses a variable its typed context does not provide (a typo, or a context field
    /// that was renamed).
    case unknownVariable(file: String, line: Int, name: String)
    /// The rendered output of a YAML template does not parse back.
    case invalidYAML(file: String, host: String, outputLine: Int, message: String)
    /// The inventory asks for something this host cannot be rendered with.
    case unsupported(host: String, message: String, hint: String)
    /// PKI did not hand over a credential a kubeconfig needs.
    case missingCredential(host: String, kubeconfig: String)
}

extension RenderError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .templatesNotFound(let searched):
            return "templates directory not found; looked in: \(searched.joined(separator: ", ")). "
                + "Pass --templates DIR or set K8SCTL_TEMPLATES to the repository's templates/ folder."
        case .missingTemplate(let name, let directory):
            return "\(directory)/\(name).mustache: template missing (k8sctl bug or an incomplete templates/ copy)"
        case .templateSyntax(let file, let line, let column, let message):
            return "\(file):\(line):\(column): mustache syntax error: \(message)"
        case .missingTextPragma(let file):
            return "\(file):1:1: template must start with {{%CONTENT_TYPE:TEXT}} (otherwise values are HTML-escaped)"
        case .unknownVariable(let file, let line, let name):
            return "\(file):\(line): template uses '\(name)', which its context does not provide"
        case .invalidYAML(let file, let host, let outputLine, let message):
            return "\(file): rendered YAML for host \(host) does not parse (output line \(outputLine)): \(message)"
        case .unsupported(let host, let message, let hint):
            return "host \(host): \(message); \(hint)"
        case .missingCredential(let host, let kubeconfig):
            return "host \(host): no client credential for \(kubeconfig).conf from PKI (k8sctl bug: PKI and rendering disagree)"
        }
    }
}
