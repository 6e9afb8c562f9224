import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlPKI
import K8sctlPlanning
import K8sctlRendering
import K8sctlTestSupport
import Testing

/// The install plan and the renderer must agree file for file: every `render` step names a file the
/// renderer makes for that host, and every rendered file is written by some step (else a second
/// apply sees it missing and never converges). Both bugs happened; this keeps them out.
@Suite("Playbooks and rendering agree")
struct PlaybookRenderingAgreementTests {
    @Test(arguments: ["single-node.yaml", "ha-3.yaml", "etcd-5.yaml", "pools-zones.yaml"])
    func installPlan_writesExactlyTheRenderedFiles(inventory: String) throws {
        let cluster = try #require(InventoryLoader().load(path: RepositoryPaths.inventories.appendingPathComponent(inventory).path).cluster)
        let store = PKIStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("agree-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: store.root) }
        var ecdsa = cluster
        ecdsa.pki.keyAlgorithm = .ecdsaP256
        let (state, _) = try ClusterPKI.ensure(cluster: ecdsa, store: store)
        let credentials = Dictionary(uniqueKeysWithValues: ecdsa.hosts.map { ($0.name, state.credentials(for: $0)) })
        let rendered = try ClusterRenderer(library: TemplateLibrary(directory: RepositoryPaths.templates.path))
            .render(cluster: ecdsa, credentials: credentials)

        let outcome = PlanRequest(desired: ecdsa, playbookDirectory: RepositoryPaths.playbooks.path,
                                  templateDirectory: RepositoryPaths.templates.path).make()
        guard case .planned(let plan, _) = outcome else { Issue.record("no plan: \(outcome)"); return }

        for host in rendered {
            let steps = plan.steps(onHost: host.host)
            var written = Set<String>()
            for step in steps {
                if case .render(let render) = step.action { written.insert(render.path) }
                if case .uploadArtifact(let artifact) = step.action { written.insert(artifact.path) }
            }
            let pkiPaths = Set(credentials[host.host]?.files.map(\.path) ?? [])
            let renderedPaths = Set(host.files.map(\.path)).subtracting(pkiPaths)
            #expect(written.subtracting(renderedPaths).filter { !$0.hasPrefix("/usr/") }.isEmpty,
                    "\(inventory) \(host.host): steps write files the renderer does not make: \(written.subtracting(renderedPaths).sorted())")
            #expect(renderedPaths.subtracting(written).isEmpty,
                    "\(inventory) \(host.host): rendered files no step writes: \(renderedPaths.subtracting(written).sorted())")
        }
    }
}
