import K8sctlInventory
import K8sctlModel
import Testing

/// `spec.pki`: validity and automatic renewal settings, their defaults and their validation.
@Suite struct PKISettingsLoadingTests {
    static func load(_ pki: String?) -> InventoryLoadResult {
        InventoryLoader().load(text: """
            apiVersion: k8sctl.dev/v1
            kind: Cluster
            metadata: { name: pki }
            spec:
              kubernetes: { version: 1.31.4 }
            \(pki.map { "  pki: \($0)\n" } ?? "")  hosts:
                - { name: n1, address: 10.0.0.1, roles: [control-plane, etcd, worker] }
            """, file: "pki.yaml")
    }

    @Test func defaults_are365DaysRenewed30DaysBefore() throws {
        let cluster = try #require(Self.load(nil).cluster)
        #expect(cluster.pki.certificateValidityDays == 365 && cluster.pki.renewBeforeDays == 30 && cluster.pki.caValidityDays == 3650)
    }

    @Test func shortLivedCertificates_load() throws {
        let cluster = try #require(Self.load("{ certificateValidityDays: 10, renewBeforeDays: 3 }").cluster)
        #expect(cluster.pki.certificateValidityDays == 10 && cluster.pki.renewBeforeDays == 3)
    }

    @Test(arguments: ["{ certificateValidityDays: 10 }", "{ certificateValidityDays: 30, renewBeforeDays: 30 }",
                      "{ renewBeforeDays: 400 }"])
    func renewBefore_atOrAboveTheValidity_isAPositionedError(pki: String) throws {
        let result = Self.load(pki)
        #expect(result.cluster == nil)
        let error = try #require(result.diagnostics.errors.first { $0.message.contains("every apply would renew every certificate") })
        #expect(error.location?.file == "pki.yaml" && error.location?.line == 6, "\(String(describing: error.location))")
    }
}
