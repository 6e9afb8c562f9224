import Foundation
import Mustache
import Yams

/// The parsed templates of one `templates/` directory. Loading checks every template once (syntax,
/// the text pragma, the variables it uses); rendering checks the variables against the typed
/// context and parses YAML output back.
public struct TemplateLibrary: Sendable {
    public let directory: String
    private let templates: [TemplateName: LoadedTemplate]

    struct LoadedTemplate: Sendable {
        let template: MustacheTemplate
        let variables: [TemplateVariable]
    }

    /// Loads every template in `TemplateName` from `directory`.
    /// - Throws: `RenderError` naming the file (and line) of the first broken or missing template.
    public init(directory: String) throws {
        self.directory = directory
        var loaded: [TemplateName: LoadedTemplate] = [:]
        for name in TemplateName.allCases {
            let path = directory + "/" + name.fileName
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw RenderError.missingTemplate(name: name.rawValue, directory: directory)
            }
            guard text.hasPrefix("{{%CONTENT_TYPE:TEXT}}") else { throw RenderError.missingTextPragma(file: path) }
            do {
                let template = try MustacheTemplate(string: text)
                loaded[name] = LoadedTemplate(template: template, variables: TemplateVariable.scan(text))
            } catch let error as MustacheTemplate.ParserError {
                throw RenderError.templateSyntax(file: path, line: error.context.lineNumber,
                                                 column: error.context.columnNumber, message: "\(error.error)")
            }
        }
        self.templates = loaded
    }

    /// Loads the templates found by `locator`.
    public init(locator: TemplateLocator = TemplateLocator()) throws {
        try self.init(directory: try locator.locate())
    }

    /// The path of a template's file, for messages and `NodeFile.origin`.
    public func path(of name: TemplateName) -> String { directory + "/" + name.fileName }

    /// Renders `context` with template `name`; YAML output is parsed back.
    /// - Parameter host: named in error messages.
    /// - Throws: `RenderError.unknownVariable` or `.invalidYAML`, naming the template file.
    public func render(_ name: TemplateName, _ context: some TemplateContext, host: String) throws -> String {
        guard let loaded = templates[name] else { throw RenderError.missingTemplate(name: name.rawValue, directory: directory) }
        let values = context.templateValues
        let known = TemplateVariable.keys(in: values)
        for variable in loaded.variables where variable.isUnknown(in: known) {
            throw RenderError.unknownVariable(file: path(of: name), line: variable.line, name: variable.name)
        }
        let output = loaded.template.render(values)
        if name.syntax == .yaml { try Self.parseBack(output, file: path(of: name), host: host) }
        return output
    }

    static func parseBack(_ output: String, file: String, host: String) throws {
        do {
            var count = 0
            // Parser.nextRoot throws; compose_all's lazy sequence would end quietly at an error.
            let parser = try Parser(yaml: output)
            while let document = try parser.nextRoot() {
                count += 1
                guard case .mapping = document else {
                    throw RenderError.invalidYAML(file: file, host: host, outputLine: document.mark?.line ?? 1,
                                                  message: "document is not a mapping")
                }
            }
            if count == 0 { throw RenderError.invalidYAML(file: file, host: host, outputLine: 1, message: "empty document") }
        } catch let error as YamlError {
            let line: Int
            switch error {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): line = mark.line
            default: line = 1
            }
            throw RenderError.invalidYAML(file: file, host: host, outputLine: line, message: "\(error)")
        }
    }
}
