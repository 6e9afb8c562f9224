import Foundation
import K8sctlModel
import K8sctlRendering
import K8sctlTestSupport

/// Every test cluster and sample inventory rendered once with real PKI credentials and written as
/// `<root>/<cluster>/<host>/…` trees, for the tests that run real tools over the files.
final class RenderedTrees: Sendable {
    struct Entry: Sendable {
        let name: String
        let cluster: Cluster
        let hosts: [RenderedHost]
        let root: URL
    }

    let root: URL
    let entries: [Entry]

    static let shared: Result<RenderedTrees, Error> = Result { try RenderedTrees() }
    static let cleanup = LockedBox<String?>(nil)

    private init() throws {
        root = try RenderFixtures.temporaryDirectory("rendered")
        let path = root.path
        // Shared by the whole test run: removed when the test process exits.
        RenderedTrees.cleanup.set(path)
        atexit { if let path = RenderedTrees.cleanup.get() { try? FileManager.default.removeItem(atPath: path) } }
        var entries: [Entry] = []
        for (name, cluster) in try RenderFixtures.everyCluster() {
            let hosts = try RenderFixtures.render(cluster)
            let clusterRoot = root.appendingPathComponent(name)
            try RenderedTreeWriter(root: clusterRoot).write(hosts)
            entries.append(Entry(name: name, cluster: cluster, hosts: hosts, root: clusterRoot))
        }
        self.entries = entries
    }

    /// Local paths of every rendered file whose node path satisfies `predicate`.
    func paths(where predicate: (String) -> Bool) -> [(Entry, RenderedHost, NodeFile, String)] {
        entries.flatMap { entry in
            entry.hosts.flatMap { host in
                host.files.filter { predicate($0.path) }.map { file in
                    (entry, host, file, entry.root.appendingPathComponent(host.host).path + file.path)
                }
            }
        }
    }
}
