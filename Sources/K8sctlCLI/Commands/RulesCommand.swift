import ArgumentParser
import K8sctlValidation

/// `k8sctl rules [ID]`: the rule catalog, or one rule's documentation.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the validation rules, or explain one.")

    @Argument(help: "A rule ID such as K8S-QUORUM-001 (case-insensitive).")
    var id: String?

    @Flag(name: .long, help: "Print the whole catalog as the Markdown reference in docs/validation.md.")
    var markdown = false

    func run() throws {
        if markdown {
            print(RuleReference.markdown(), terminator: "")
            return
        }
        guard let id else {
            print(RuleReference.listing(), terminator: "")
            return
        }
        guard let rule = RuleCatalog.standard.rule(id: id) else {
            let prefix = id.uppercased().split(separator: "-").prefix(2).joined(separator: "-")
            let near = RuleCatalog.standard.rules.map(\.id).filter { $0.hasPrefix(prefix) }
            CommandContext.printError("no rule \(id)" + (near.isEmpty ? "; run `k8sctl rules` for the list" : "; rules in that group: \(near.joined(separator: ", "))"))
            throw CommandContext.unusableInput
        }
        print(RuleReference.page(rule), terminator: "")
    }
}
