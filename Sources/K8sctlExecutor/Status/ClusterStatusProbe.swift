import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlPlanning
import K8sctlTransport

/// `k8sctl status`: reads the cluster as it is, changing nothing. One connection per host; per host
/// one facts round trip (units, versions, etcd health, checksums of the files the last apply wrote),
/// and on the control-plane hosts the state and the lock.
public struct ClusterStatusProbe: Sendable {
    public var parallelism: Int
    public init(parallelism: Int = 64) { self.parallelism = parallelism }

    public func probe(cluster: Cluster, connector: HostConnector) async -> ClusterStatus {
        let pool = HostPool(connector: connector, parallelism: parallelism)
        await pool.connect(cluster.hosts)
        var controlPlane: [any RemoteHost] = []
        for host in cluster.controlPlaneHosts {
            if let connection = await pool.connection(host.name) { controlPlane.append(connection) }
        }

        var applied: AppliedState?
        var stateError: String?
        if controlPlane.isEmpty {
            stateError = "no control-plane host answered"
        } else {
            do { applied = try await StateStore().pull(from: controlPlane) } catch { stateError = "\(error)" }
        }
        let lock = await Self.lockHolder(on: controlPlane)
        let appliedCluster = applied.flatMap { InventoryLoader().load(text: $0.inventory, file: "applied revision \($0.revision)").cluster }
        let hosts = await hostStatuses(cluster: cluster, applied: applied, appliedCluster: appliedCluster, pool: pool)
        await pool.closeAll()
        return ClusterStatus(
            cluster: cluster.name,
            applied: applied.map(Self.summary),
            stateError: stateError,
            inventory: Self.compare(cluster, with: appliedCluster),
            lock: lock,
            hosts: hosts)
    }

    private func hostStatuses(cluster: Cluster, applied: AppliedState?, appliedCluster: Cluster?,
                              pool: HostPool) async -> [ClusterStatus.HostStatus] {
        let gatherer = FactsGatherer()
        let failures = await pool.failures
        return await withTaskGroup(of: ClusterStatus.HostStatus.self) { group in
            for host in cluster.hosts {
                let connection = await pool.connection(host.name)
                let recorded = applied?.files[host.name] ?? [:]
                let lastFailure = applied?.hosts?[host.name].flatMap { record in
                    record.failed > 0 ? [record.failedStep, record.failure].compactMap { $0 }.joined(separator: ": ") : nil
                }
                // A member is probed if either inventory makes it one: a host leaving the etcd role
                // is still a member until an apply removes it.
                let isMember = host.isEtcd || appliedCluster?.host(named: host.name)?.isEtcd == true
                var expected = host.runsKubelet ? ["containerd.service", "kubelet.service"] : []
                if host.isEtcd { expected.append("etcd.service") }
                let units = ["containerd.service", "kubelet.service"] + (isMember ? ["etcd.service"] : [])
                let probe = isMember ? FactsGatherer.EtcdProbe.healthcheck(host, in: cluster) : nil
                let versions = (host.runsKubelet ? ["kubelet"] : []) + (isMember ? ["etcd"] : [])
                var status = ClusterStatus.HostStatus(
                    name: host.name, roles: host.roles.map(\.rawValue).sorted(), unreachable: nil, systemdRunning: nil,
                    units: [:], expectedUnits: expected, versions: [:], etcdHealthy: nil, driftedFiles: [], missingFiles: [],
                    managedFiles: recorded.count, clockSkewSeconds: nil, lastApplyFailure: lastFailure)
                guard let connection else {
                    status.unreachable = failures[host.name] ?? "not connected"
                    group.addTask { status }
                    continue
                }
                group.addTask {
                    let asked = Date()
                    do {
                        let facts = try await gatherer.gather(on: connection, paths: recorded.keys.sorted(), units: units,
                                                              versions: versions, etcd: probe)
                        // Half the round trip is the best guess of when the host read its clock.
                        let local = asked.addingTimeInterval(Date().timeIntervalSince(asked) / 2).timeIntervalSince1970
                        status.systemdRunning = facts.systemdRunning
                        status.units = facts.units.mapValues(\.active)
                        status.versions = facts.componentVersions
                        status.etcdHealthy = facts.etcdHealthy
                        status.clockSkewSeconds = facts.clock > 0 ? facts.clock - Int(local.rounded()) : nil
                        for (path, sha) in recorded.sorted(by: { $0.key < $1.key }) {
                            switch facts.fileChecksums[path] {
                            case nil: status.missingFiles.append(path)
                            case sha: break
                            default: status.driftedFiles.append(path)
                            }
                        }
                    } catch {
                        status.unreachable = "facts failed: \(error)"
                    }
                    return status
                }
            }
            var statuses: [ClusterStatus.HostStatus] = []
            for await status in group { statuses.append(status) }
            let order = Dictionary(uniqueKeysWithValues: cluster.hosts.enumerated().map { ($1.name, $0) })
            return statuses.sorted { order[$0.name, default: 0] < order[$1.name, default: 0] }
        }
    }

    /// The lock directory's owner on the first reachable control-plane host that holds it.
    static func lockHolder(on hosts: [any RemoteHost]) async -> ClusterStatus.LockHolder? {
        for host in hosts.sorted(by: { $0.name < $1.name }) {
            guard let owner = try? await ClusterLock.owner(on: host) else { continue }
            let fields = owner.split(separator: "\t", maxSplits: 1).map(String.init)
            return ClusterStatus.LockHolder(holder: fields.first ?? "unknown", since: fields.count > 1 ? fields[1] : "unknown", host: host.name)
        }
        return nil
    }

    static func summary(_ state: AppliedState) -> ClusterStatus.AppliedSummary {
        ClusterStatus.AppliedSummary(revision: state.revision, appliedAt: state.appliedAt, k8sctlVersion: state.k8sctlVersion,
                                     completed: state.completed, filesOnly: state.filesOnly ?? false,
                                     stopped: state.stopped != nil, rolloutStop: state.rolloutStop?.summary)
    }

    /// Compared as the planner compares a change: settings by the classification table (rows that
    /// change nothing on the hosts, such as `ssh` or `rollout`, do not count), hosts by value.
    public static func compare(_ desired: Cluster, with applied: Cluster?) -> ClusterStatus.InventoryComparison {
        guard let applied else {
            return .init(matchesApplied: false, hostsToAdd: desired.hosts.map(\.name), hostsToRemove: [], hostsChanged: [],
                         settingsChanged: [], appliedVersion: nil)
        }
        let desiredNames = Set(desired.hosts.map(\.name)), appliedNames = Set(applied.hosts.map(\.name))
        let settings = ChangeClassification.changes(from: applied, to: desired).filter { $0.impact != .none }.map(\.setting)
        let changedHosts = desired.hosts.filter { host in applied.host(named: host.name).map { $0 != host } ?? false }.map(\.name)
        let comparison = ClusterStatus.InventoryComparison(
            matchesApplied: false,
            hostsToAdd: desired.hosts.map(\.name).filter { !appliedNames.contains($0) },
            hostsToRemove: applied.hosts.map(\.name).filter { !desiredNames.contains($0) },
            hostsChanged: changedHosts, settingsChanged: settings,
            appliedVersion: applied.kubernetes.version == desired.kubernetes.version ? nil : "\(applied.kubernetes.version)")
        var result = comparison
        result.matchesApplied = comparison.hostsToAdd.isEmpty && comparison.hostsToRemove.isEmpty && changedHosts.isEmpty
            && settings.isEmpty && comparison.appliedVersion == nil
        return result
    }
}
