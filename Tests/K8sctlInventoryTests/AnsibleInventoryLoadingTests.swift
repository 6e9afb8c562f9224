import Foundation
@testable import K8sctlInventory
import K8sctlModel
import K8sctlTestSupport
import Testing

/// Loading behaviour that needs no oracle: structure, precedence, positions and errors.
@Suite struct AnsibleInventoryLoadingTests {
    static let fixtures = RepositoryPaths.fixtures.appendingPathComponent("ansible")

    @Test func groupVarsFiles_beatInventoryGroupVars_andHostVarsBeatEverything() throws {
        let (loaded, diagnostics) = AnsibleInventory.load(path: Self.fixtures.appendingPathComponent("precedence/hosts").path)
        let inventory = try #require(loaded, "\(diagnostics)")
        // h-both: leaf (depth 3) > alpha/zeta (depth 1) inline; then group_vars/leaf/b.yml wins over a.yml.
        #expect(inventory.host(named: "h-both")?.variables["who"] == .string("leaf-file-b"))
        #expect(inventory.host(named: "h-both")?.variables["depth_probe"] == .string("leaf"))
        // Same depth: priority 0 (zeta) sorts before priority 1 (alpha), so alpha wins.
        #expect(inventory.host(named: "h-prio")?.variables["name_probe"] == .string("alpha"))
        #expect(inventory.host(named: "h-leaf")?.variables["who"] == .string("host-file"))
        #expect(inventory.host(named: "h-leaf")?.variables["who_host"] == .string("host-file-wins"))
        #expect(inventory.host(named: "h-middle")?.variables["who"] == .string("host-vars-noext"))
        #expect(inventory.host(named: "h-leaf")?.variables["nested"] == .mapping(AnsibleMapping([("a", .int(9))])),
                "mappings are replaced, not merged (hash_behaviour=replace)")
        #expect(inventory.group(named: "leaf")?.depth == 3)
    }

    @Test func variables_rememberTheFileAndLineTheyCameFrom() throws {
        let (loaded, _) = AnsibleInventory.load(path: Self.fixtures.appendingPathComponent("precedence/hosts").path)
        let inventory = try #require(loaded)
        let origin = try #require(inventory.host(named: "h-both")?.variables.origin(of: "who"))
        #expect(origin.file.hasSuffix("precedence/group_vars/leaf/b.yml"))
        #expect(origin.line == 1 && origin.column == 6)
        let inline = try #require(inventory.host(named: "h-leaf")?.variables.origin(of: "depth_probe"))
        #expect(inline.file.hasSuffix("precedence/hosts") && inline.line == 38)
    }

    @Test func ungroupedHosts_andTopLevelGroups_hangUnderAll() throws {
        let (loaded, _) = AnsibleInventory.load(text: "solo\n[g]\nh1\n[p:children]\ng\n", file: "inv.ini")
        let inventory = try #require(loaded)
        #expect(inventory.group(named: "all")?.children == ["ungrouped", "p"])
        #expect(inventory.group(named: "ungrouped")?.hosts == ["solo"])
        #expect(inventory.hosts(in: "p") == ["h1"])
        #expect(inventory.host(named: "h1")?.groups == ["all", "g", "p"])
    }

    @Test(arguments: [
        ("[g:vars]\na=1\n", 1, "not valid for undefined group"),
        ("[p:children]\nmissing\n", 2, "includes undefined group 'missing'"),
        ("[g]\nh1 novalue\n", 2, "expected key=value"),
        ("[g:weird]\n", 1, "unknown type"),
        ("[g]\nh1\n[g :vars]\n", 3, "invalid section entry"),
        ("[a:children]\nb\n[b:children]\na\n", 4, "recursive dependency loop"),
        ("[g]\nh[1:x]\n", 2, "neither numeric nor a letter range"),
        ("[g]\nh1 a='open\n", 2, "No closing quotation"),
        ("[g]\nh1\n[g:vars]\nansible_group_priority=high\n", 4, "must be an integer"),
    ])
    func iniErrors_namePositionAndProblem(text: String, line: Int, message: String) {
        let (inventory, diagnostics) = AnsibleInventory.load(text: text, file: "bad.ini")
        #expect(inventory == nil)
        let error = diagnostics.errors.first
        #expect(error?.location?.file == "bad.ini")
        #expect(error?.location?.line == line)
        #expect(error?.message.contains(message) == true, "\(String(describing: error?.message))")
    }

    @Test(arguments: [
        ("", "empty YAML file"),
        ("- a\n- b\n", "should be a mapping"),
        ("plugin: aws_ec2\n", "plugin configuration"),
        ("all:\n  hosts:\n    h1: [1]\n", "expected a mapping of variables"),
        ("all:\n  hosts: [h1]\n", "requires a mapping"),
        ("all:\n  vars:\n    a: 1\n    a: 2\n", "duplicate mapping key"),
        ("a:\n  children:\n    b:\n      children:\n        a:\n", "recursive dependency loop"),
        ("all:\n  vars:\n    secret: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      6162\n", "vault"),
    ])
    func yamlErrors_arePositioned(text: String, message: String) {
        let (inventory, diagnostics) = AnsibleInventory.load(text: text, file: "bad.yml")
        #expect(inventory == nil)
        #expect(diagnostics.errors.first?.location?.file == "bad.yml")
        #expect(diagnostics.errors.first?.message.contains(message) == true, "\(diagnostics)")
        if message.contains("loop") { #expect(diagnostics.errors.first?.location?.line == 3) }
    }

    @Test func yamlInventory_skipsUnknownKeysWithAWarning_asAnsibleDoes() throws {
        let (loaded, diagnostics) = AnsibleInventory.load(text: "all:\n  hostz:\n    h1:\n  hosts:\n    h2:\n", file: "typo.yml")
        let inventory = try #require(loaded)
        #expect(inventory.hosts.map(\.name) == ["h2"])
        #expect(diagnostics.warnings.first?.message.contains("hostz") == true)
        #expect(diagnostics.warnings.first?.location?.line == 2)
    }

    @Test func orphanGroupVars_areReported() throws {
        let (loaded, diagnostics) = AnsibleInventory.load(path: Self.fixtures.appendingPathComponent("kubespray-sample/inventory.ini").path)
        #expect(loaded != nil)
        #expect(diagnostics.warnings.contains { $0.message.contains("group_vars/k8s_cluster applies to no group") })
    }

    @Test func listDiffer_reportsAChangedHostVariable() throws {
        let (loaded, _) = AnsibleInventory.load(text: "[g]\nh1 a=1\n", file: "inv.ini")
        let inventory = try #require(loaded)
        let original = inventory.listValue()
        let (changed, _) = AnsibleInventory.load(text: "[g]\nh1 a=2\n", file: "inv.ini")
        let differences = AnsibleListOracle.differences(original, try #require(changed).listValue())
        #expect(differences == ["_meta.hostvars.h1.a: ours 1, ansible 2"])
        #expect(AnsibleListOracle.differences(original, original).isEmpty)
    }

    @Test func thousandHostRange_loadsQuickly_andListsEveryHost() throws {
        let text = "[kube_control_plane]\ncp[1:3] ansible_user=ops\n[etcd:children]\nkube_control_plane\n[kube_node]\nnode[0001:1000]\n[kube_node:vars]\npool=web\n"
        let clock = ContinuousClock()
        var loaded: AnsibleInventory?
        let elapsed = clock.measure { loaded = AnsibleInventory.load(text: text, file: "big.ini").0 }
        let inventory = try #require(loaded)
        #expect(inventory.hosts.count == 1003)
        #expect(inventory.host(named: "node0500")?.variables["pool"] == .string("web"))
        print("1,003-host INI inventory loaded and resolved in \(elapsed)")
    }

    /// Each line stays under the per-pattern bound, but together they pass the inventory's: the
    /// line that crosses it is named, in INI and in YAML, and nothing past it is built.
    @Test(arguments: [
        ("hosts.ini", "[kube_node]\n" + (0..<4).map { "g\($0)-[0000:9999]" }.joined(separator: "\n") + "\n", 4, 1),
        ("hosts.yml", "all:\n  hosts:\n" + (0..<4).map { "    g\($0)-[0000:9999]:\n" }.joined(), 5, 5),
    ])
    func rangeLinesPassingTheInventoryHostLimit_areRefusedAtTheLineThatCrossesIt(file: String, text: String, line: Int, column: Int) throws {
        let (loaded, diagnostics) = AnsibleInventory.load(text: text, file: file)
        #expect(loaded == nil)
        let error = try #require(diagnostics.errors.first)
        #expect(error.message == "the inventory has more than \(AnsibleInventoryLimits.standard.hosts) hosts (Kubernetes supports 5,000 nodes per cluster)")
        #expect(error.location?.line == line && error.location?.column == column, "\(String(describing: error.location))")
    }

    /// Variables on a range line are copied onto every host: the resolved total is bounded, and
    /// the host that passes the bound is named. Hosts of the same groups share one merge of their
    /// group-level variables, so the cache must not leak one host's own variables to another.
    @Test func resolvedHostVariables_areBounded_andHostVariablesStayPerHost() throws {
        let text = "[kube_node]\nw[1:30] a=1 b=2\nx ansible_host=10.0.0.9\n[kube_node:vars]\npool=web\n"
        let limits = AnsibleInventoryLimits(hosts: 100, hostVariables: 80)
        let (refused, diagnostics) = AnsibleInventory.load(text: text, file: "hosts.ini", limits: limits)
        #expect(refused == nil)
        let error = try #require(diagnostics.errors.first)
        // 3 variables each: host 27 brings the total to 81.
        #expect(error.message == "the inventory resolves to more than 80 host variables (hosts × variables each) by host w27")
        #expect(error.location?.line == 2)
        let (loaded, _) = AnsibleInventory.load(text: text, file: "hosts.ini")
        let inventory = try #require(loaded)
        #expect(inventory.host(named: "w30")?.variables["a"] == .int(1))
        #expect(inventory.host(named: "w30")?.variables["pool"] == .string("web"))
        #expect(inventory.host(named: "x")?.variables["a"] == nil)
        #expect(inventory.host(named: "x")?.variables["ansible_host"] == .string("10.0.0.9"))
    }
}
