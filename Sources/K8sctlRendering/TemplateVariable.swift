/// A variable a template reads, with the line it is on. Mustache renders an unknown name as
/// nothing, which would turn a typo into a silently wrong file; the renderer checks every name
/// against the keys of the typed context instead.
struct TemplateVariable: Sendable, Hashable {
    let name: String
    let line: Int

    /// Names used by `{{x}}`, `{{{x}}}`, `{{&x}}`, `{{#x}}` and `{{^x}}` tags (dotted names give
    /// each component); comments, partials, pragmas, closing tags and `{{.}}` are skipped.
    static func scan(_ text: String) -> [TemplateVariable] {
        var result: [TemplateVariable] = []
        var line = 1
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
            if "!>%/=<$".contains(sigil) { continue }
            if "#^&".contains(sigil) { body = body.dropFirst() }
            let name = body.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name != "." else { continue }
            for component in name.split(separator: ".") { result.append(TemplateVariable(name: String(component), line: tagLine)) }
        }
        return result
    }

    /// Every key of every dictionary in `value`, nested dictionaries and arrays included.
    static func keys(in value: Any) -> Set<String> {
        var keys = Set<String>()
        func visit(_ value: Any) {
            if let dictionary = value as? [String: Any] {
                for (key, nested) in dictionary { keys.insert(key); visit(nested) }
            } else if let array = value as? [Any] {
                for element in array { visit(element) }
            }
        }
        visit(value)
        return keys
    }
}

/// A typed context for one template, converted to the dictionary mustache reads. Every field is
/// always present in the dictionary (empty lists and `false` rather than missing keys), so the
/// variable check can tell a typo from an empty value.
public protocol TemplateContext {
    var templateValues: [String: Any] { get }
}
