import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlPKI
import K8sctlRendering
import K8sctlTransport

/// `k8sctl certs renew`: re-issues the named leaf certificates (never the authorities) in the local
/// store, then puts them on the hosts with `CertificateRollout` — etcd members one at a time with
/// health between, API servers one at a time, kubelets in worker batches — under the cluster lock.
public struct CertificateRenewal: Sendable {
    public struct Request: Sendable {
        public var cluster: Cluster
        public var templates: TemplateLibrary
        public var pkiStore: PKIStore
        public var connector: HostConnector
        /// Catalog names of leaf certificates; empty renews every leaf.
        public var names: [String]
        public var sink: ApplyEventSink

        public init(cluster: Cluster, templates: TemplateLibrary, pkiStore: PKIStore, connector: HostConnector,
                    names: [String], sink: @escaping ApplyEventSink = { _ in }) {
            self.cluster = cluster
            self.templates = templates
            self.pkiStore = pkiStore
            self.connector = connector
            self.names = names
            self.sink = sink
        }
    }

    public struct Outcome: Sendable, Hashable {
        /// Every certificate re-issued, e.g. `apiserver@cp1`.
        public var renewed: [String]
        /// Components restarted per host (hosts whose files changed).
        public var restarted: [String: [String]]
    }

    /// Leaf entries of the catalog: what `renew` accepts.
    public static var renewableNames: [String] {
        CertificateCatalog.entries.filter { $0.authorityName != nil }.map(\.name)
    }

    public init() {}

    /// - Throws: `UnusableInput` (exit 2) for unknown names or unreachable hosts; `ExecutorError`
    ///   when the cluster was never applied, its hosts differ from the inventory's, or a host does
    ///   not come back.
    public func renew(_ request: Request, now: Date = Date()) async throws -> Outcome {
        let cluster = request.cluster
        let renewable = Self.renewableNames
        let unknown = request.names.filter { !renewable.contains($0) }
        if !unknown.isEmpty {
            let authorities = unknown.filter { CertificateCatalog.entry(named: $0)?.authorityName == nil && CertificateCatalog.entry(named: $0) != nil }
            throw UnusableInput((authorities.isEmpty ? "unknown certificate \(unknown.joined(separator: ", "))"
                                    : "\(authorities.joined(separator: ", ")) cannot be renewed here (a CA or the service-account key; rotating those is a separate operation)")
                                + "; renewable: " + renewable.joined(separator: ", "))
        }
        let names = Set(request.names.isEmpty ? renewable : request.names)
        let session = MaintenanceSession(cluster: cluster, connector: request.connector, sink: request.sink)
        return try await session.run(on: cluster.hosts) { pool in
            var controlPlane: [any RemoteHost] = []
            for host in cluster.controlPlaneHosts { controlPlane.append(try await pool.require(host.name)) }
            request.sink(.phase("reading the applied state"))
            guard let applied = try await StateStore().pull(from: controlPlane) else {
                throw ExecutorError.refused(reason: "\(cluster.name) was never applied; nothing to renew (apply issues fresh certificates)")
            }
            // A stopped cluster has nothing to restart and no member to wait for.
            if let stopped = applied.stopped { throw ExecutorError.refused(reason: stopped.refusal) }
            try Self.requireSameHosts(cluster, as: applied)

            request.sink(.phase("renewing \(names.count == renewable.count ? "every leaf certificate" : names.sorted().joined(separator: ", ")) in \(request.pkiStore.root.path)"))
            if let first = controlPlane.first {
                let adopted = try await ClusterAuthorities(store: request.pkiStore).synchronize(from: first)
                if !adopted.isEmpty { request.sink(.warning("adopted the cluster's certificate authorities into the local store: \(adopted.joined(separator: ", "))")) }
            }
            let (state, report) = try ClusterPKI.ensure(cluster: cluster, store: request.pkiStore, now: now, renewing: names)
            for warning in report.warnings { request.sink(.warning(warning)) }
            let credentials = Dictionary(uniqueKeysWithValues: cluster.hosts.map { ($0.name, state.credentials(for: $0)) })
            let rendered = try ClusterRenderer(library: request.templates).render(cluster: cluster, credentials: credentials, options: RenderOptions())

            request.sink(.phase("rolling the renewed certificates out, one host at a time"))
            let rollout = CertificateRollout(cluster: cluster, files: Dictionary(rendered.map { ($0.host, $0.files) }, uniquingKeysWith: { a, _ in a }),
                                             backupDirectory: Self.backupDirectory(now: now), sink: request.sink)
            let rolled = try await rollout.run(hosts: cluster.hosts, pool: pool)
            return Outcome(renewed: report.renewed.map(\.description),
                           restarted: rolled.restarted.mapValues { $0.map(\.rawValue) })
        }
    }

    /// Renewal writes only certificate files: the hosts, their roles and addresses must be the
    /// applied ones (a changed address changes SANs, which is apply's business).
    static func requireSameHosts(_ cluster: Cluster, as applied: AppliedState) throws {
        guard let previous = InventoryLoader().load(text: applied.inventory, file: "cluster:\(AppliedState.revisionPath(applied.revision))").cluster else { return }
        func key(_ host: K8sctlModel.Host) -> String { "\(host.name) \(host.address) \(host.clusterAddress) \(host.roles.map(\.rawValue).sorted())" }
        let now = Set(cluster.hosts.map(key)), then = Set(previous.hosts.map(key))
        guard now == then else {
            throw ExecutorError.refused(reason: "the inventory's hosts differ from applied revision \(applied.revision) ("
                + (now.subtracting(then).map { "+\($0)" } + then.subtracting(now).map { "-\($0)" }).sorted().joined(separator: "; ")
                + "); run apply first, then renew; nothing was changed")
        }
    }

    static func backupDirectory(now: Date) -> String {
        let stamp = EtcdSnapshotTaker.defaultName(now: now).dropFirst("snapshot-".count).dropLast(".db".count)
        return "\(AppliedState.directory)/backup/certs-\(stamp)"
    }
}
