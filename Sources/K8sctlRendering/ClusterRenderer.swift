import Foundation
import K8sctlModel

/// Renders every host of a cluster, in parallel across the machine's cores. Results are in
/// inventory order whatever the scheduling.
public struct ClusterRenderer: Sendable {
    public let renderer: NodeRenderer

    public init(library: TemplateLibrary) { self.renderer = NodeRenderer(library: library) }

    /// - Parameter credentials: host name → credentials; a host without an entry renders with none
    ///   (and fails if it needs kubeconfigs).
    /// - Throws: the first `RenderError` in inventory order (all hosts are attempted).
    public func render(cluster: Cluster, credentials: [String: HostCredentials],
                       options: RenderOptions = RenderOptions()) throws -> [RenderedHost] {
        let hosts = cluster.hosts
        let results = ResultSlots(count: hosts.count)
        let renderer = self.renderer
        DispatchQueue.concurrentPerform(iterations: hosts.count) { index in
            let host = hosts[index]
            let result = Result {
                try renderer.render(cluster: cluster, host: host,
                                    credentials: credentials[host.name] ?? HostCredentials(host: host.name), options: options)
            }
            results.set(index, result)
        }
        return try results.values().map { try $0.get() }
    }
}

/// Fixed slots written once each from `concurrentPerform`.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [Result<RenderedHost, Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<RenderedHost, Error>) { lock.lock(); slots[index] = value; lock.unlock() }
    func values() -> [Result<RenderedHost, Error>] { slots.map { $0! } }
}
