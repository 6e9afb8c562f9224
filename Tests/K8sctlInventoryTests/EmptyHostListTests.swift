import K8sctlInventory
import K8sctlModel
import Testing

/// Deleting every entry under `spec.hosts` leaves `hosts:` (null) or `hosts: []`: an inventory that
/// loads with no hosts, so the change reaches the validation rules (no control plane, no etcd, every
/// current member removed) instead of being called unusable input. A missing `hosts` key is still
/// unusable input.
struct EmptyHostListTests {
    static func load(hosts: String) -> InventoryLoadResult {
        InventoryLoader().load(text: """
            apiVersion: k8sctl.dev/v1
            kind: Cluster
            metadata: { name: empty }
            spec:
              kubernetes: { version: 1.31.4 }
            \(hosts)
            """, file: "empty.yaml")
    }

    @Test(arguments: ["  hosts:", "  hosts: []", "  hosts: null", "  hosts: ~"])
    func anEmptyHostList_loadsWithNoHosts(hosts: String) throws {
        let result = Self.load(hosts: hosts)
        let cluster = try #require(result.cluster, "\(result.diagnostics.map(\.message))")
        #expect(cluster.hosts.isEmpty)
        #expect(!result.diagnostics.hasErrors)
    }

    @Test func aMissingHostsKey_isStillUnusableInput() {
        let result = Self.load(hosts: "")
        #expect(result.cluster == nil)
        #expect(result.diagnostics.contains { $0.message.contains("missing required key 'spec.hosts'") })
    }

    @Test func aScalarHostList_isRefusedAsNotAList() {
        let result = Self.load(hosts: "  hosts: n1")
        #expect(result.cluster == nil)
        #expect(result.diagnostics.contains { $0.message.contains("'spec.hosts' must be a list") }, "\(result.diagnostics.map(\.message))")
    }
}
