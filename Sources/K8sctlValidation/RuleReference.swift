import K8sctlModel

/// The catalog as documentation: the listing and per-rule pages of `k8sctl rules`, and the
/// Markdown rule reference in docs/validation.md (generated from here, so the two cannot drift).
public enum RuleReference {
    /// One line per rule, grouped by category.
    public static func listing(_ catalog: RuleCatalog = .standard) -> String {
        var text = ""
        for category in RuleCategory.allCases {
            let rules = catalog.rules.filter { $0.category == category }
            guard !rules.isEmpty else { continue }
            text += "\(category.title)\n"
            for rule in rules {
                let severity = rule.severity.rawValue.padding(toLength: 7)
                text += "  \(rule.id.padding(toLength: 16))  \(severity)  \(rule.summary)\(rule.needsPrevious ? "  [change]" : "")\n"
            }
            text += "\n"
        }
        text += "[change]: needs the previous inventory (--previous or --previous-git).\n"
        text += "Run `k8sctl rules ID` for a rule's explanation and fix.\n"
        return text
    }

    /// A rule's full documentation.
    public static func page(_ rule: ValidationRule) -> String {
        """
        \(rule.id)  (\(rule.severity.rawValue), \(rule.category.rawValue.lowercased())\(rule.needsPrevious ? ", needs the previous inventory" : ""))
        \(rule.summary)

        \(wrap(rule.explanation))

        How to fix:
        \(wrap(rule.fix))

        """
    }

    /// The Markdown reference: a section per category, a heading per rule.
    public static func markdown(_ catalog: RuleCatalog = .standard) -> String {
        var text = ""
        for category in RuleCategory.allCases {
            let rules = catalog.rules.filter { $0.category == category }
            guard !rules.isEmpty else { continue }
            text += "### \(category.title)\n\n"
            for rule in rules {
                text += "#### \(rule.id) — \(rule.severity.rawValue)\(rule.needsPrevious ? " (change rule)" : "")\n\n"
                text += "**\(rule.summary)**\n\n\(rule.explanation)\n\n*Fix:* \(rule.fix)\n\n"
            }
        }
        return text
    }

    /// Wraps at about 96 columns on spaces, for terminals.
    static func wrap(_ text: String, width: Int = 96) -> String {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
