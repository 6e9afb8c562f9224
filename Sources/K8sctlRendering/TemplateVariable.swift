/// A variable a template reads, with the line it is on. Mustache renders an unknown name as
/// nothing, which would turn a typo into a silently wrong file; the renderer checks every name
/// against the keys of the typed context instead.
struct TemplateVariable: Sendable, Hashable {
    let name: String
    let line: Int
    /// Names of the `{{#section}}`s around the tag: a variable inside an empty list or a false
    /// section is never looked up, so it can only be checked when its sections are non-empty.
    let sections: [String]

    /// Names used by `{{x}}`, `{{{x}}}`, `{{&x}}`, `{{#x}}` and `{{^x}}` tags (dotted names give
    /// each component); comments, partials, pragmas, closing tags and `{{.}}` are skipped.
    static func scan(_ text: String) -> [TemplateVariable] {
        var result: [TemplateVariable] = []
        var line = 1
        var sections: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\n" { line += 1; index = text.index(after: index); continue }
            guard text[index...].hasPrefix("{{"), let close = text.range(of: "}}", range: index..<text.endIndex) else {
                index = text.index(after: index); continue
            }
            var body = text[text.index(index, offsetBy: 2)..<close.lowerBound]
            let tagLine = line
            line += body.filter { $0 == "\n" }.count
            index = close.upperBound
            if body.first == "{" { body = body.dropFirst(); if index < text.endIndex, text[index] == "}" { index = text.index(after: index) } }
            guard let sigil = body.first else { continue }
            if sigil == "/" { if !sections.isEmpty { sections.removeLast() }; continue }
            if "!>%=<$".contains(sigil) { continue }
            if "#^&".contains(sigil) { body = body.dropFirst() }
            let name = body.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name != "." else { continue }
            for component in name.split(separator: ".") {
                result.append(TemplateVariable(name: String(component), line: tagLine, sections: sections))
            }
            // An inverted section renders when its value is empty, so it does not gate its content.
            if sigil == "#" { sections.append(name) } else if sigil == "^" { sections.append("") }
        }
        return result
    }

    /// Every key of every dictionary in `value`, nested dictionaries and arrays included, mapped
    /// to whether any occurrence would render its section (a non-empty list, `true`, any other value).
    static func keys(in value: Any) -> [String: Bool] {
        var keys: [String: Bool] = [:]
        func rendersSection(_ value: Any) -> Bool {
            if let array = value as? [Any] { return !array.isEmpty }
            if let flag = value as? Bool { return flag }
            return true
        }
        func visit(_ value: Any) {
            if let dictionary = value as? [String: Any] {
                for (key, nested) in dictionary {
                    keys[key] = (keys[key] ?? false) || rendersSection(nested)
                    visit(nested)
                }
            } else if let array = value as? [Any] {
                for element in array { visit(element) }
            }
        }
        visit(value)
        return keys
    }

    /// Whether this variable would be looked up with `keys` and is missing from them.
    func isUnknown(in keys: [String: Bool]) -> Bool {
        for section in sections where !section.isEmpty {
            let gate = section.split(separator: ".").last.map(String.init) ?? section
            if keys[gate] != true { return false }
        }
        return keys[name] == nil
    }
}

/// A typed context for one template, converted to the dictionary mustache reads. Every field is
/// always present in the dictionary (empty lists and `false` rather than missing keys), so the
/// variable check can tell a typo from an empty value.
public protocol TemplateContext {
    var templateValues: [String: Any] { get }
}
