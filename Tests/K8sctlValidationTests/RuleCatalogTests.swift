import K8sctlModel
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
