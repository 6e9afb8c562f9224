import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlValidation

@Suite("The rule catalog is well-formed data")
struct RuleCatalogTests {
    let rules = RuleCatalog.standard.rules

    @Test func ids_areUnique() {
        #expect(Set(rules.map(\.id)).count == rules.count)
    }

    @Test func ids_followTheCategoryPattern() {
        for rule in rules {
            let parts = rule.id.split(separator: "-")
            #expect(parts.count == 3 && parts[0] == "K8S", "\(rule.id)")
            #expect(parts.count == 3 && parts[1] == Substring(rule.category.rawValue), "\(rule.id) is in \(rule.category)")
            #expect(parts.count == 3 && parts[2].count == 3 && parts[2].allSatisfy(\.isNumber), "\(rule.id)")
        }
    }

    @Test func ids_areNumberedWithoutGapsPerCategory() {
        for category in RuleCategory.allCases {
            let numbers = rules.filter { $0.category == category }.compactMap { Int($0.id.suffix(3)) }
            #expect(numbers == Array(1...numbers.count), "\(category): \(numbers)")
        }
    }

    @Test func everyRule_isDocumented() {
        for rule in rules {
            #expect(rule.summary.hasSuffix("."), "\(rule.id) summary is one sentence")
            #expect(!rule.summary.contains("\n"), "\(rule.id) summary is one line")
            #expect(rule.explanation.count > 80, "\(rule.id) explanation is a paragraph")
            #expect(rule.fix.count > 15, "\(rule.id) says how to fix")
        }
    }

    @Test func everyCategory_hasRules() {
        for category in RuleCategory.allCases {
            #expect(rules.contains { $0.category == category }, "\(category)")
        }
    }

    @Test func lookup_isCaseInsensitive() {
        #expect(RuleCatalog.standard.rule(id: "k8s-quorum-001")?.id == "K8S-QUORUM-001")
        #expect(RuleCatalog.standard.rule(id: "K8S-NOPE-001") == nil)
    }
}

@Suite("The documentation is generated from the catalog")
struct RuleReferenceTests {
    @Test func docs_containTheGeneratedRuleReference() throws {
        let docs = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("docs/validation.md"), encoding: .utf8)
        #expect(docs.contains(RuleReference.markdown()), "regenerate with: k8sctl rules --markdown")
    }

    @Test func listing_namesEveryRule() {
        let listing = RuleReference.listing()
        for rule in RuleCatalog.standard.rules { #expect(listing.contains(rule.id)) }
    }
}
