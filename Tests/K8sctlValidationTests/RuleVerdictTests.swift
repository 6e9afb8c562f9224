import K8sctlModel
import Testing
@testable import K8sctlValidation

@Suite("Every rule fires on its problem and stays quiet otherwise")
struct RuleVerdictTests {
    @Test(arguments: RuleCases.all)
    func rule_firesExactlyOnItsProblem(_ row: RuleCase) throws {
        let diagnostics = Validator().validate(row.input)
        let mine = diagnostics.filter { $0.ruleID == row.rule }
        if row.fires {
            #expect(!mine.isEmpty, "\(row.rule) should fire; got \(diagnostics.map { "\($0.ruleID ?? "-"): \($0.message)" })")
            let rule = try #require(RuleCatalog.standard.rule(id: row.rule))
            for finding in mine {
                #expect(finding.severity == rule.severity)
                #expect(finding.location != nil)
                #expect(finding.hint?.isEmpty == false)
                #expect(finding.subject?.isEmpty == false)
            }
        } else {
            #expect(mine.isEmpty, "\(row.rule) should be quiet; got \(mine.map(\.message))")
        }
    }

    @Test func table_coversEveryRuleWithBothVerdicts() {
        for rule in RuleCatalog.standard.rules {
            let rows = RuleCases.all.filter { $0.rule == rule.id }
            #expect(rows.contains { $0.fires }, "no firing row for \(rule.id)")
            #expect(rows.contains { !$0.fires }, "no quiet row for \(rule.id)")
        }
        #expect(Set(RuleCases.all.map(\.rule)).isSubset(of: Set(RuleCatalog.standard.rules.map(\.id))))
    }

    @Test func sampleShapedCluster_hasNoFindings() {
        #expect(Validator().validate(ValidationInput(previous: ClusterFixtures.ha3(), desired: ClusterFixtures.ha3())).isEmpty)
    }

    @Test func changeRules_areSkippedWithoutPrevious() {
        let input = ValidationInput(desired: ClusterFixtures.ha3 { $0.name = "renamed" })
        let applied = Set(Validator().appliedRules(for: input).map(\.id))
        #expect(!applied.contains("K8S-DATALOSS-003"))
        #expect(applied.contains("K8S-NETWORK-001"))
    }

    @Test func manyProblems_areAllReportedInOneRun() {
        let previous = ClusterFixtures.ha3()
        let desired = ClusterFixtures.ha3 { cluster in
            cluster.name = "other"
            cluster.network.podCIDR = CIDR("10.96.0.0/16")!
            cluster.rollout.workers.maxFailurePercent = 300
            cluster.kubernetes.version = ClusterFixtures.version("1.33.0")
            cluster.hosts[5].name = "w1"
        }
        let ids = Set(Validator().validate(ValidationInput(previous: previous, desired: desired)).compactMap(\.ruleID))
        #expect(ids.isSuperset(of: ["K8S-DATALOSS-003", "K8S-NETWORK-001", "K8S-ROLLOUT-003", "K8S-VERSION-003", "K8S-NETWORK-006"]))
    }

    @Test func quorumFindings_pointAtThePreviousInventoryToo() throws {
        let previous = ClusterFixtures.ha3()
        let desired = ClusterFixtures.ha3 { ClusterFixtures.setRoles(&$0, ["cp2", "cp3"], [.controlPlane]) }
        let finding = try #require(Validator().validate(ValidationInput(previous: previous, desired: desired))
            .first { $0.ruleID == "K8S-QUORUM-002" })
        #expect(finding.related.count == 1)
        #expect(finding.message.contains("removes 2 of 3"))
    }
}
