import Foundation
import Testing
import K8sctlModel
@testable import K8sctlRendering
import K8sctlTestSupport

@Suite struct TemplateLibraryTests {
    @Test func catalog_everyTemplateNameHasAFile_andEveryFileAnEntry() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.templates.path)
            .filter { $0.hasSuffix(".mustache") }
        #expect(Set(files) == Set(TemplateName.allCases.map(\.fileName)))
    }

    @Test(arguments: TemplateName.allCases)
    func catalog_everyTemplateStartsWithTheTextPragma(name: TemplateName) throws {
        let text = try String(contentsOf: RepositoryPaths.templates.appendingPathComponent(name.fileName), encoding: .utf8)
        #expect(text.hasPrefix("{{%CONTENT_TYPE:TEXT}}\n"))
    }

    /// A copy of templates/ with one file replaced, for error tests (templates are read at load,
    /// so the copy is removed before returning).
    func library(replacing name: TemplateName, with text: String) throws -> (TemplateLibrary?, Error?, String) {
        let directory = try RenderFixtures.temporaryDirectory("templates")
        defer { try? FileManager.default.removeItem(at: directory) }
        for entry in TemplateName.allCases {
            try FileManager.default.copyItem(at: RepositoryPaths.templates.appendingPathComponent(entry.fileName),
                                             to: directory.appendingPathComponent(entry.fileName))
        }
        try text.write(to: directory.appendingPathComponent(name.fileName), atomically: true, encoding: .utf8)
        do { return (try TemplateLibrary(directory: directory.path), nil, directory.path) } catch { return (nil, error, directory.path) }
    }

    @Test func unknownVariable_isReportedWithTemplateFileAndLine() throws {
        let (library, _, directory) = try library(replacing: .sysctl, with: "{{%CONTENT_TYPE:TEXT}}\n# header\n{{#settings}}\n{{key}} = {{valeu}}\n{{/settings}}\n")
        let cluster = TestClusters.singleNode()
        #expect(throws: RenderError.unknownVariable(file: directory + "/sysctl-kubernetes.conf.mustache", line: 4, name: "valeu")) {
            try library!.render(.sysctl, SysctlContext(cluster: cluster), host: "solo")
        }
    }

    @Test func unknownVariableInsideAnEmptySection_isNotReportedForThatRender_butIsWhenTheSectionHasItems() throws {
        let text = "{{%CONTENT_TYPE:TEXT}}\n{{#settings}}\n{{key}} = {{valeu}}\n{{/settings}}\n"
        let (library, _, _) = try library(replacing: .sysctl, with: text)
        struct Empty: TemplateContext { var templateValues: [String: Any] { ["settings": [[String: Any]]()] } }
        #expect(try library!.render(.sysctl, Empty(), host: "h") == "")
    }

    @Test func syntaxError_isReportedWithTemplateFileAndLine() throws {
        let (_, error, directory) = try library(replacing: .modulesLoad, with: "{{%CONTENT_TYPE:TEXT}}\nfirst\n{{#modules}}\n{{.}}\n{{/wrong}}\n")
        guard case .templateSyntax(let file, let line, _, _)? = error as? RenderError else {
            Issue.record("expected a syntax error, got \(String(describing: error))"); return
        }
        #expect(file == directory + "/modules-load-k8s.conf.mustache")
        #expect(line == 5)
    }

    @Test func templateWithoutTextPragma_isRefused() throws {
        let (_, error, directory) = try library(replacing: .modulesLoad, with: "{{#modules}}\n{{.}}\n{{/modules}}\n")
        #expect(error as? RenderError == .missingTextPragma(file: directory + "/modules-load-k8s.conf.mustache"))
    }

    @Test func yamlThatDoesNotParse_namesTheTemplateAndOutputLine() throws {
        let (library, _, directory) = try library(replacing: .kubeletConfig,
                                                  with: "{{%CONTENT_TYPE:TEXT}}\nkind: KubeletConfiguration\nclusterDomain: {{clusterDomain}}\n  bad: [\n")
        let cluster = TestClusters.singleNode()
        do {
            _ = try library!.render(.kubeletConfig, KubeletConfigContext(cluster: cluster, host: cluster.hosts[0]), host: "solo")
            Issue.record("broken YAML was returned")
        } catch let error as RenderError {
            guard case .invalidYAML(let file, let host, let line, _) = error else { Issue.record("\(error)"); return }
            #expect(file == directory + "/kubelet-config.yaml.mustache")
            #expect(host == "solo")
            #expect(line >= 2, "\(error)")
        }
    }

    @Test func textPragma_keepsValuesUnescaped() throws {
        let cluster = TestClusters.highlyAvailable()
        let output = try RenderFixtures.library.render(.staticPod, ControlPlanePods.controllerManager(cluster: cluster, host: cluster.hosts[0]),
                                                       host: "cp-1")
        #expect(output.contains("\"--controllers=*,bootstrapsigner,tokencleaner\""))
        #expect(!output.contains("&#"))
        #expect(!output.contains("&amp;"))
    }

    @Test func variableScan_findsSectionAndDottedNames_skipsCommentsAndPartials() {
        let found = TemplateVariable.scan("{{%CONTENT_TYPE:TEXT}}\n{{! note }}\n{{#a}}\n{{b.c}}{{/a}}\n{{>partial}}{{{raw}}}{{^d}}{{/d}}")
        #expect(found.map(\.name) == ["a", "b", "c", "raw", "d"])
        #expect(found.map(\.line) == [3, 4, 4, 5, 5])
        #expect(found.map(\.sections) == [[], ["a"], ["a"], [], []])
    }

    @Test func locator_prefersExplicitDirectory_thenEnvironment_thenWalksUpFromTheExecutable() throws {
        let explicit = TemplateLocator(explicitDirectory: "/nowhere", environment: ["K8SCTL_TEMPLATES": "/env"])
        #expect(explicit.candidates == ["/nowhere"])
        #expect(throws: RenderError.templatesNotFound(searched: ["/nowhere"])) { try explicit.locate() }

        let fromEnvironment = TemplateLocator(environment: ["K8SCTL_TEMPLATES": "/env"], executablePath: "/opt/k/bin/k8sctl",
                                              currentDirectory: "/")
        #expect(fromEnvironment.candidates.prefix(3) == ["/env", "/opt/k/bin/templates", "/opt/k/bin/share/k8sctl/templates"])
        #expect(fromEnvironment.candidates.contains("/opt/k/share/k8sctl/templates"))

        let repository = RepositoryPaths.root.path
        let fromBuild = TemplateLocator(environment: [:], executablePath: repository + "/.build/debug/k8sctl", currentDirectory: "/")
        #expect(try fromBuild.locate() == RepositoryPaths.templates.path)
    }
}

@Suite struct FlagListTests {
    @Test func extraArgs_overrideDefaults_andAddNewFlags_sortedByName() {
        let flags = FlagList(["secure-port": "6443", "allow-privileged": "true"])
            .merging(extraArgs: ["--secure-port": "7443", "audit-log-maxage": "30"])
        #expect(flags.arguments == ["--allow-privileged=true", "--audit-log-maxage=30", "--secure-port=7443"])
    }
}

@Suite struct KubeletLabelPolicyTests {
    @Test(arguments: [
        ("topology.kubernetes.io/zone", true), ("node.kubernetes.io/instance-type", true),
        ("node.kubernetes.io/custom", true), ("kubelet.kubernetes.io/x", true), ("example.com/tier", true), ("plain", true),
        ("node-role.kubernetes.io/control-plane", false), ("kubernetes.io/role", false), ("foo.k8s.io/bar", false),
    ])
    func kubeletMaySet_followsTheKubeletsAllowList(key: String, allowed: Bool) {
        #expect(KubeletLabelPolicy.kubeletMaySet(key) == allowed)
    }
}
