import Foundation
import K8sctlModel
@testable import K8sctlPlanning
import K8sctlTestSupport
import Testing

@Suite("Playbook loading")
struct PlaybookLoaderTests {
    private func load(_ text: String) -> [Diagnostic] {
        PlaybookLoader().load(text: text, file: "test.yaml").diagnostics
    }

    @Test func shippedPlaybooks_loadWithoutFindings() {
        let result = PlaybookLoader().load(directory: RepositoryPaths.playbooks.path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let operations = Set(result.playbooks?.playbooks.keys.map { $0 } ?? [])
        #expect(operations == Set(PlaybookOperation.allCases))
    }

    /// Runs once rendering's templates/ is in the repository.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: RepositoryPaths.templates.path + "/static-pod.yaml.mustache")))
    func shippedPlaybooks_templatesExistInTheRepositoryTemplates() throws {
        let templates = RepositoryPaths.templates.path
        let result = PlaybookLoader().load(directory: RepositoryPaths.playbooks.path, templateDirectory: templates)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    @Test func unknownAction_isPositionedWithSuggestion() throws {
        let diagnostics = load("""
        operation: install
        steps:
          - name: a
            on: all
            action: rendr
        """)
        let error = try #require(diagnostics.first { $0.message.contains("unknown action 'rendr'") })
        #expect(error.location == SourceLocation(file: "test.yaml", line: 5, column: 13))
        #expect(error.hint == "did you mean 'render'?")
    }

    @Test func unknownRole_andUnknownKey_areReported() {
        let diagnostics = load("""
        operation: install
        steps:
          - name: a
            on: workers
            action: cordon
            neds: [b]
        """)
        #expect(diagnostics.contains { $0.message.contains("'on' is 'workers'") && $0.hint == "did you mean 'worker'?" && $0.location?.line == 4 })
        #expect(diagnostics.contains { $0.message.contains("unknown key 'neds'") && $0.hint == "did you mean 'needs'?" && $0.location?.line == 6 })
    }

    @Test func needsNamingNoStep_isPositionedAtTheReference() throws {
        let diagnostics = load("""
        operation: upgrade
        steps:
          - name: drain
            on: kubelet
            action: drain
          - name: restart
            on: kubelet
            action: unit
            unit: kubelet.service
            needs: [dran@all]
        """)
        let error = try #require(diagnostics.first { $0.message.contains("needs 'dran'") })
        #expect(error.location == SourceLocation(file: "test.yaml", line: 10, column: 13))
        #expect(error.hint == "did you mean 'drain'?")
    }

    @Test func dependencyCycle_isPrintedAsAPath() throws {
        let diagnostics = load("""
        operation: install
        steps:
          - { name: a, on: all, action: cordon, needs: [c] }
          - { name: b, on: all, action: drain, needs: [a] }
          - { name: c, on: all, action: uncordon, needs: [b@all] }
        """)
        let error = try #require(diagnostics.first { $0.message.hasPrefix("dependency cycle") })
        #expect(error.message == "dependency cycle: a → c → b → a")
        #expect(error.location?.line == 3)
    }

    @Test func previousChain_isNotACycle() {
        let diagnostics = load("""
        operation: scale-up
        steps:
          - { name: add, on: etcd, action: etcd-member-add, needs: [healthy@previous] }
          - { name: healthy, on: etcd, action: wait, tcp: "{{host.address}}:2379", needs: [add] }
        """)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func sameHostNeed_onAStepOfOtherRoles_isRefused() {
        let diagnostics = load("""
        operation: install
        steps:
          - { name: etcd-up, on: etcd, action: wait, tcp: "{{host.address}}:2379" }
          - { name: apiserver, on: control-plane, action: cordon, needs: [etcd-up] }
        """)
        #expect(diagnostics.contains { $0.message.contains("runs on etcd hosts only") && $0.hint == "write 'etcd-up@all' to wait for every etcd host" })
    }

    @Test func commandWithoutGuard_isRefused() {
        let diagnostics = load("""
        operation: install
        steps:
          - { name: a, on: all, action: command, argv: [rm, -rf, /tmp/x] }
        """)
        #expect(diagnostics.contains { $0.message.contains("needs a guard") })
    }

    @Test func unknownVariable_isReportedWithSuggestion() {
        let diagnostics = load("""
        operation: install
        steps:
          - { name: a, on: all, action: wait, tcp: "{{host.adress}}:22" }
        """)
        #expect(diagnostics.contains { $0.message.contains("unknown variable '{{host.adress}}'") && $0.hint == "did you mean 'host.address'?" })
    }

    @Test func listVariable_outsideArgv_isRefused() {
        let diagnostics = load("""
        operation: install
        steps:
          - { name: a, on: all, action: wait, tcp: "{{host.labels}}" }
        """)
        #expect(diagnostics.contains { $0.message.contains("is a list") })
    }

    @Test func waitNeedsExactlyOneProbe() {
        let diagnostics = load("""
        operation: install
        steps:
          - { name: a, on: all, action: wait, tcp: "x:1", command: [true] }
        """)
        #expect(diagnostics.contains { $0.message.contains("exactly one of tcp, https, command, nodeReady (found 2)") })
    }

    @Test func missingTemplate_isReportedAgainstTheGivenDirectory() throws {
        let templates = try PlanningFixtures.directory(["etcd.service.mustache": "x"])
        let playbooks = try PlanningFixtures.directory(["install.yaml": """
        operation: install
        steps:
          - { name: unit, on: etcd, action: render, template: etcd.service.mustache, path: /etc/systemd/system/etcd.service }
          - { name: env, on: etcd, action: render, template: etcd.sevice.mustache, path: /etc/etcd/etcd.env }
          - { name: cfg, on: etcd, action: render, template: zzz.conf, path: /etc/zzz.conf }
        """])
        defer { try? FileManager.default.removeItem(at: templates); try? FileManager.default.removeItem(at: playbooks) }
        let result = PlaybookLoader().load(directory: playbooks.path, templateDirectory: templates.path)
        #expect(result.playbooks == nil)
        #expect(result.diagnostics.count == 2)
        let error = try #require(result.diagnostics.first)
        #expect(error.message.contains("template 'etcd.sevice.mustache' is not in"))
        #expect(error.location?.line == 4)
        #expect(error.hint == "did you mean 'etcd.service.mustache'?")
        #expect(result.diagnostics.last?.hint == "templates there: etcd.service.mustache")
    }

    @Test func duplicateStepNames_pointAtBoth() throws {
        let diagnostics = load("""
        operation: install
        steps:
          - { name: a, on: all, action: cordon }
          - { name: a, on: all, action: drain }
        """)
        let error = try #require(diagnostics.first { $0.message.contains("defined twice") })
        #expect(error.location?.line == 4)
        #expect(error.related.first?.location.line == 3)
    }

    @Test func invalidYAML_isPositioned() throws {
        let diagnostics = load("operation: install\nsteps: [\n")
        #expect(diagnostics.first?.message.hasPrefix("not valid YAML") == true)
    }

    @Test(arguments: ActionKind.allCases)
    func everyAction_hasAParameterCatalogEntry(kind: ActionKind) {
        #expect(ActionParameters.keys[kind] != nil)
    }
}
