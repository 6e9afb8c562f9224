import ArgumentParser
import Foundation
import K8sctlModel
import K8sctlPKI
import K8sctlRendering

/// `k8sctl render FILE --out DIR`: the exact files `apply` would write, as per-host trees.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write every file apply would put on each host into DIR/<host>/… trees, with their modes.",
        discussion: """
        Certificates come from the cluster's PKI store (created or reused, see docs/pki.md); every
        other file is rendered from templates/. Review, diff or test the trees without touching a host.
        Templates are found with --templates, then $K8SCTL_TEMPLATES, then templates/ or
        share/k8sctl/templates/ next to the executable or any parent directory (docs/rendering.md).
        Exit codes: 0 ok, 1 rendering or PKI failed, 2 unusable inventory or templates.
        """)

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Option(name: .shortAndLong, help: "Directory for the per-host trees.")
    var out: String = "./rendered"

    @Option(help: "The templates directory (default: found next to the executable).")
    var templates: String?

    @Option(help: "The PKI store (default: <inventory dir>/.k8sctl/<cluster>/pki).")
    var pki: String?

    func run() throws {
        let cluster = try CommandContext.loadCluster(path: inventory)
        let library = try CommandContext.loadTemplates(explicit: templates)
        let store = pki.map { PKIStore(root: URL(fileURLWithPath: $0)) }
            ?? PKIStore.defaultLocation(inventoryPath: inventory, clusterName: cluster.name)
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let (state, report) = try ClusterPKI.ensure(cluster: cluster, store: store)
            let pkiDone = clock.now
            let credentials = Dictionary(uniqueKeysWithValues: cluster.hosts.map { ($0.name, state.credentials(for: $0)) })
            let hosts = try ClusterRenderer(library: library).render(cluster: cluster, credentials: credentials)
            let rendered = clock.now
            try RenderedTreeWriter(root: URL(fileURLWithPath: out)).write(hosts)
            let written = clock.now
            for warning in report.warnings { CommandContext.printError("warning: \(warning)") }
            let fileCount = hosts.reduce(0) { $0 + $1.files.count }
            print("rendered \(fileCount) files for \(hosts.count) hosts into \(out) "
                  + "(pki \(Self.seconds(pkiDone - started)), render \(Self.seconds(rendered - pkiDone)), "
                  + "write \(Self.seconds(written - rendered)))")
        } catch {
            CommandContext.printError("\(error)")
            throw CommandContext.refused
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let components = duration.components
        return String(format: "%.2fs", Double(components.seconds) + Double(components.attoseconds) / 1e18)
    }
}
