import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlValidation

@Suite("Findings on real inventories point at the offending lines")
struct InventoryPositionTests {
    @Test(arguments: ["single-node", "ha-3", "etcd-5", "pools-zones", "scale-1000"])
    func sample_validatesWithoutErrors(name: String) throws {
        let text = try String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("\(name).yaml"), encoding: .utf8)
        let cluster = SampleChange.load(text, "\(name).yaml")
        let errors = Validator().validate(ValidationInput(previous: cluster, desired: cluster)).errors
        #expect(errors.isEmpty, "\(name): \(errors.map { "\($0.ruleID ?? ""): \($0.message)" })")
    }

    @Test func addressChange_pointsAtBothInventories() throws {
        let report = SampleChange.report()
        let finding = try #require(report.diagnostics.first { $0.ruleID == "K8S-DATALOSS-007" })
        let location = try #require(finding.location)
        #expect(location.file == SampleChange.desiredFile)
        #expect(location.line == SampleChange.line(of: "name: cp2", in: SampleChange.desiredText))
        let columnOfAddress = try #require(SampleChange.desiredText.split(separator: "\n")[location.line - 1].range(of: "10.0.0.42"))
        let expectedColumn = SampleChange.desiredText.split(separator: "\n")[location.line - 1]
            .distance(from: SampleChange.desiredText.split(separator: "\n")[location.line - 1].startIndex, to: columnOfAddress.lowerBound) + 1
        #expect(location.column == expectedColumn)
        let related = try #require(finding.related.first)
        #expect(related.location.file == SampleChange.previousFile)
        #expect(related.location.line == SampleChange.line(of: "name: cp2", in: SampleChange.previousText))
    }

    @Test func everyProblemOfTheChange_isReportedInOneRun() {
        let ids = Set(SampleChange.report().diagnostics.compactMap(\.ruleID))
        #expect(ids.isSuperset(of: ["K8S-DATALOSS-007", "K8S-QUORUM-004", "K8S-NETWORK-001", "K8S-TOPOLOGY-003"]))
    }

    @Test func networkOverlap_pointsAtThePodCIDRValue() throws {
        let report = SampleChange.report()
        let finding = try #require(report.diagnostics.first { $0.ruleID == "K8S-NETWORK-001" })
        #expect(finding.location?.line == SampleChange.line(of: "podCIDR: 10.96.0.0/16", in: SampleChange.desiredText))
    }
}
