import Crypto
import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlPKI
import K8sctlPlanning
import K8sctlRendering
import K8sctlTransport
import K8sctlValidation

/// `k8sctl apply`: connect → lock → read the applied state → validate → certificates → render →
/// facts → plan → run the plan → record the new state → unlock.
///
/// Nothing is written to a host before every check passed: unreachable hosts, validation errors,
/// foreign CAs, unusable playbooks and actions this executor does not implement all refuse first.
public struct Applier: Sendable {
    public init() {}

    public func apply(_ request: ApplyRequest) async throws -> ApplyReport {
        let started = ContinuousClock.now
        let desired = request.desired
        let sink = request.sink
        let pool = HostPool(connector: request.connector, parallelism: request.parallelism)

        sink(.phase("connecting to \(desired.hosts.count) hosts"))
        await pool.connect(desired.hosts)
        let failures = await pool.failures
        for host in desired.hosts {
            if let connection = await pool.connection(host.name) { sink(.connected(host: host.name, transport: connection.transportDescription)) }
            if let reason = failures[host.name] { sink(.connectFailed(host: host.name, reason: reason)) }
        }
        guard failures.isEmpty else {
            await pool.closeAll()
            throw ExecutorError.refused(reason: "cannot reach \(failures.count) of \(desired.hosts.count) hosts; nothing was changed:\n"
                + failures.keys.sorted().map { "  \($0): \(failures[$0]!)" }.joined(separator: "\n"))
        }

        let controlPlane = await connections(pool, desired.controlPlaneHosts)
        let lock = ClusterLock()
        do {
            for stale in try await lock.acquire(on: controlPlane) {
                sink(.warning("removed a stale abort request by \(stale.requestedBy) at \(stale.requestedAt) (it was for \(stale.target))"))
            }
        } catch {
            // Close every session before the error reaches the CLI: a process exiting with libssh2
            // sessions still open on their threads can crash on the way out.
            await pool.closeAll()
            throw error
        }
        do {
            let report = try await applyLocked(request, pool: pool, controlPlane: controlPlane, holder: lock.holder, started: started)
            await release(lock, pool: pool, on: desired.controlPlaneHosts)
            await pool.closeAll()
            return report
        } catch {
            await release(lock, pool: pool, on: desired.controlPlaneHosts)
            await pool.closeAll()
            throw error
        }
    }

    /// Releases the lock through the run's connections, and through a new one where that fails: a
    /// control-plane connection lost during the run must not leave the lock behind. The release is
    /// its own liveness check, so a run whose connections are fine pays no round trip for one
    /// (`liveConnections` first cost one per control-plane host on every apply, no-op included).
    private func release(_ lock: ClusterLock, pool: HostPool, on hosts: [K8sctlModel.Host]) async {
        let failed = Set(await lock.release(on: await connections(pool, hosts)))
        let connected = Set(await pool.connections.keys)
        let retry = hosts.filter { failed.contains($0.name) || !connected.contains($0.name) }
        guard !retry.isEmpty else { return }
        // liveConnections finds the dead connections again (its check fails) and replaces them.
        await lock.release(on: await pool.liveConnections(retry))
    }

    private func applyLocked(_ request: ApplyRequest, pool: HostPool, controlPlane: [any RemoteHost], holder: String,
                             started: ContinuousClock.Instant) async throws -> ApplyReport {
        let desired = request.desired
        let sink = request.sink
        if request.filesOnly, !request.removeUnreachable.isEmpty || request.rollbackDirective != nil {
            throw ExecutorError.refused(reason: "--files-only stages files only; removing unreachable hosts and rollback are not files; nothing was changed")
        }

        // The previous revision, from the cluster itself.
        sink(.phase("reading the applied state"))
        let (applied, stateBehind) = try await StateStore().pullNoting(from: controlPlane)
        if let stopped = applied?.stopped { throw ExecutorError.refused(reason: stopped.refusal) }
        var previous: Cluster?
        if let applied, applied.filesOnly == true, !request.filesOnly {
            sink(.warning("revision \(applied.revision) staged files only (apply --files-only); this apply runs its plan and starts the services"))
        }
        if let applied, let baseline = applied.planningBaseline {
            let loaded = InventoryLoader().load(text: baseline, file: "cluster:\(AppliedState.revisionPath(applied.revision))")
            guard let cluster = loaded.cluster else {
                throw ExecutorError.refused(reason: "the applied state on the cluster (revision \(applied.revision)) does not load: "
                    + loaded.diagnostics.map(\.message).joined(separator: "; "))
            }
            previous = cluster
            if !applied.completed, applied.filesOnly != true {
                sink(.warning("the last apply (revision \(applied.revision)) stopped: \(applied.stoppedAt ?? "unknown"); planning from revision before it again"))
            }
        }
        if let directive = request.rollbackDirective {
            // A rollback plans from what the hosts run now, also when that revision stopped partway.
            try directive.check(applied: applied)
            previous = directive.from
        }
        let removed = previous?.hosts.filter { desired.host(named: $0.name) == nil } ?? []
        if !removed.isEmpty { await pool.connect(removed) }
        let unreachableRemoved = try UnreachableRemoval.check(removed: removed, desired: desired, failures: await pool.failures,
                                                              allowed: request.removeUnreachable, sink: sink)

        // Certificates: adopt the cluster's authorities, then reuse or issue.
        sink(.phase("certificates"))
        if let first = controlPlane.first {
            let adopted = try await ClusterAuthorities(store: request.pkiStore).synchronize(from: first)
            if !adopted.isEmpty { sink(.warning("adopted the cluster's certificate authorities into the local store: \(adopted.joined(separator: ", "))")) }
        }
        let (pkiState, issueReport) = try ClusterPKI.ensure(cluster: desired, store: request.pkiStore)
        for warning in issueReport.warnings { sink(.warning(warning)) }
        if request.filesOnly, previous != nil, !ExpiringCertificates.renewedForExpiry(issueReport).isEmpty {
            // Renewed certificates need the rolling restarts of a full apply (or `k8sctl certs renew`);
            // staged alone they would be on disk while the services keep the old ones.
            throw ExecutorError.refused(reason: "certificates were renewed for expiry (spec.pki.renewBeforeDays); --files-only cannot roll them out. "
                + "Nothing was changed on any host; run `k8sctl certs renew` or apply without --files-only")
        }
        let credentials = Dictionary(uniqueKeysWithValues: desired.hosts.map { ($0.name, pkiState.credentials(for: $0)) })

        // Facts first (one round trip per host): they decide which etcd members join.
        sink(.phase("gathering facts"))
        let renderedPaths = try ClusterRenderer(library: request.templates)
            .render(cluster: desired, credentials: credentials, options: RenderOptions())
        let extraPaths = request.filesOnly ? try artifactPaths(request) : [:]
        var facts = try await gatherFacts(pool: pool, cluster: desired, previous: previous, rendered: renderedPaths,
                                          extraPaths: extraPaths, rollback: request.rollback)
        if request.filesOnly { try checkStageable(rendered: renderedPaths, facts: facts, sink: sink) }

        let options = RenderOptions(etcdStates: joiningMembers(desired: desired, previous: previous, facts: facts))
        let renderedForMembers = options.etcdStates.isEmpty ? renderedPaths
            : try ClusterRenderer(library: request.templates).render(cluster: desired, credentials: credentials, options: options)
        let rendered = await EtcdBootstrapFlags().keepingNodeCopies(
            of: renderedForMembers, cluster: desired, facts: facts, joining: Set(options.etcdStates.keys),
            connection: { await pool.connection($0) })
        let observed = UnreachableRemoval.marking(unreachableRemoved, in: ObservedState(hosts: facts.mapValues { fact in
            HostObservation(reachable: true,
                            etcdHealth: fact.etcdHealthy.map { $0 ? .healthy : .unhealthy } ?? .absent,
                            kubeletVersion: fact.componentVersions["kubelet"].flatMap(SemanticVersion.init))
        }))

        sink(.phase("validating"))
        var findings = Validator().validate(ValidationInput(previous: previous, desired: desired, observed: observed))
        if request.rollback {
            // The downgrade is what a rollback is; every other rule still applies.
            findings.removeAll { $0.ruleID == "K8S-VERSION-002" }
        }
        for warning in findings.warnings { sink(.warning("\(warning.ruleID ?? "validation"): \(warning.message)")) }
        if findings.hasErrors {
            throw ExecutorError.refused(reason: "validation refused the change; nothing was changed:\n"
                + findings.errors.map { "  \($0.location.map { "\($0): " } ?? "")\($0.ruleID ?? "error"): \($0.message)" }.joined(separator: "\n"))
        }

        // Files-only never gets here with certificates renewed for expiry (refused above).
        let renewedOn = try await ExpiringCertificates.rollOut(report: issueReport, desired: desired, previous: previous,
                                                               rendered: rendered, pool: pool, sink: sink)
        if renewedOn != nil {
            facts = try await gatherFacts(pool: pool, cluster: desired, previous: previous, rendered: renderedPaths,
                                          extraPaths: extraPaths, rollback: request.rollback)
        }

        sink(.phase("planning"))
        let drifted = driftedHosts(rendered: rendered, facts: facts, cluster: desired, servicesExpected: !request.filesOnly)
        let resume = ResumePoint(applied: applied, desired: desired, drifted: drifted, rollback: request.rollbackDirective)
        if let note = resume.note { sink(.phase(note)) }
        let plan = UnreachableRemoval.restricting(try makePlan(request: request, previous: previous, observed: observed, drifted: drifted),
                                                  unreachable: Set(unreachableRemoved.map(\.name)))
            .removingSteps(onHosts: Set(resume.skipped))
        let removedFirst = plan.hosts.filter { $0.reasons.contains(EtcdMembershipOrder.removedFirstReason) }.map(\.host)
        if !removedFirst.isEmpty {
            sink(.phase("etcd members down and leaving: \(removedFirst.joined(separator: ", ")); removed before any member is added"))
        }
        let unsupported = Set(plan.steps.map(\.action.kind)).subtracting(StepRunner.implemented)
        if !unsupported.isEmpty {
            throw ExecutorError.refused(reason: "the plan needs actions this version cannot run yet (\(unsupported.map(\.rawValue).sorted().joined(separator: ", "))); nothing was changed")
        }

        var report = ApplyReport()
        // A run that changed nothing keeps the revision it found (and only updates where it stopped).
        let nextRevision = (applied?.revision ?? 0) + 1
        if !plan.steps.isEmpty {
            let ledger = ChangeLedger()
            let artifacts = ArtifactStore(settings: desired.artifacts,
                                          baseDirectory: URL(fileURLWithPath: request.inventoryPath).deletingLastPathComponent())
            var contexts: [String: StepContext] = [:]
            let peers: @Sendable (String) async -> (any RemoteHost)? = { name in await pool.connection(name) }
            let joining = Set(desired.hosts.map(\.name)).subtracting(previous?.hosts.map(\.name) ?? [])
            for host in desired.hosts {
                guard let connection = await pool.connection(host.name) else { continue }
                let files = rendered.first { $0.host == host.name }?.files ?? []
                contexts[host.name] = StepContext(
                    cluster: desired, host: host, connection: connection,
                    files: Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first }),
                    pkiFiles: credentials[host.name]?.files ?? [],
                    artifacts: artifacts,
                    backupDirectory: "\(AppliedState.directory)/backup/\(nextRevision)",
                    peers: peers, changes: ledger, joining: joining)
            }
            // Hosts leaving the cluster (scale-down) run their steps with the desired cluster (its
            // control plane and etcd members are who they act through) and nothing to write.
            for host in removed {
                let unreachable = unreachableRemoved.contains { $0.name == host.name }
                guard let connection = unreachable ? await UnreachableRemoval.standInConnection(for: host, plan: plan, desired: desired, pool: pool)
                                                   : await pool.connection(host.name) else { continue }
                contexts[host.name] = StepContext(
                    cluster: desired, host: host, connection: connection, files: [:], pkiFiles: [],
                    artifacts: artifacts,
                    backupDirectory: "\(AppliedState.directory)/backup/\(nextRevision)",
                    peers: peers, changes: ledger, joining: joining)
            }
            if request.filesOnly {
                let hosts = Set(plan.steps.map(\.host)).count
                sink(.phase("staging files on \(hosts) hosts (files only: no service is started, nothing waits)"))
                report = await FileStaging(plan: plan, contexts: contexts, facts: facts, parallelism: request.parallelism,
                                           sink: sink, interrupt: request.interrupt).run()
            } else {
                sink(.phase("applying \(plan.steps.count) steps in \(plan.batches.count) batches"))
                report = await PlanExecution(plan: plan, contexts: contexts, parallelism: request.parallelism,
                                             sink: sink, interrupt: request.interrupt,
                                             abortCheck: { await AbortRequest.pending(for: holder, on: controlPlane) }).run()
                report.stop = resume.record(report.stop)
            }
        }
        report.filesOnly = request.filesOnly

        for host in renewedOn ?? [] { report.record(host: host, status: .changed) }
        // Record what the cluster now is whenever something changed, nothing was recorded yet, the
        // recorded run had stopped partway (so `completed` tells the truth), or a control-plane host
        // missed the last record (a run stopped while writing it).
        let revision = report.changedCount > 0 || applied == nil ? nextRevision : applied!.revision
        // A files-only run over a cluster whose services run (nothing changed: it refuses
        // otherwise) records nothing: the revision stays as complete as it was.
        let stagedOnly = request.filesOnly && !plan.steps.isEmpty
        let inventoryText = NativeInventoryWriter().yaml(for: desired)
        let baselineText = previous.map { NativeInventoryWriter().yaml(for: $0) }
        // A files-only re-run that changed nothing over the same staged revision has nothing new to record.
        let sameStagedRevision = stagedOnly && report.succeeded && applied?.filesOnly == true && applied?.revision == revision
            && applied?.inventory == inventoryText && applied?.baselineInventory == baselineText
        if report.changedCount > 0 || applied == nil || (stagedOnly && !sameStagedRevision)
            || (!request.filesOnly && applied?.completed != report.succeeded) || stateBehind {
            let state = AppliedState(
                cluster: desired.name, revision: revision, k8sctlVersion: "0.1.0", inventory: inventoryText,
                files: Dictionary(uniqueKeysWithValues: rendered.map { host in
                    (host.host, Dictionary(host.files.map { ($0.path, Self.sha256($0.content)) }, uniquingKeysWith: { a, _ in a }))
                }),
                completed: report.succeeded && !stagedOnly,
                stoppedAt: report.stoppedReason ?? (stagedOnly ? "files only: services not started (apply --files-only)" : nil),
                baselineInventory: baselineText,
                uncleanedHosts: (applied?.uncleanedHosts ?? []).filter { desired.host(named: $0.name) == nil }
                    + unreachableRemoved.map { UncleanedHost(name: $0.name, address: $0.address.description,
                                                             roles: $0.roles.map(\.rawValue).sorted(), revision: revision) },
                // Files-only over a stopped rollout of this same inventory keeps where it stopped, so
                // the full apply after it still skips the hosts that rollout had finished.
                rolloutStop: stagedOnly ? (applied?.inventory == inventoryText ? applied?.rolloutStop : nil) : report.stop,
                hosts: Self.hostRecords(report), filesOnly: stagedOnly)
            let recordOn = await pool.liveConnections(desired.controlPlaneHosts)
            if recordOn.count < desired.controlPlaneHosts.count {
                sink(.warning("the applied state is recorded on \(recordOn.count) of \(desired.controlPlaneHosts.count) control-plane hosts (unreachable: \(await pool.unreachable.sorted().joined(separator: ", ")))"))
            }
            // A files-only run that staged nothing only copies the newest state to the hosts that
            // missed it: recording its own would mark an unfinished revision completed.
            try await StateStore().push(request.filesOnly && !stagedOnly && applied != nil ? applied! : state, to: recordOn)
        }
        report.revision = revision
        for host in desired.hosts where report.hosts[host.name] == nil { report.hosts[host.name] = ApplyReport.HostSummary(host: host.name) }
        let elapsed = ContinuousClock.now - started
        report.wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return report
    }

    // MARK: - Pieces

    private func connections(_ pool: HostPool, _ hosts: [K8sctlModel.Host]) async -> [any RemoteHost] {
        var result: [any RemoteHost] = []
        for host in hosts { if let connection = await pool.connection(host.name) { result.append(connection) } }
        return result
    }

    /// Facts of every host, one round trip each.
    /// - Parameters:
    ///   - extraPaths: host → further paths to checksum (files-only: the binaries the plan uploads).
    ///   - rollback: the kubelet version matters then too.
    private func gatherFacts(pool: HostPool, cluster: Cluster, previous: Cluster?, rendered: [RenderedHost],
                             extraPaths: [String: [String]], rollback: Bool) async throws -> [String: HostFacts] {
        let gatherer = FactsGatherer()
        // Running `kubelet --version` is the dearest part of facts; its answer matters to validation
        // (version skew) when the version changes, and for hosts k8sctl has not applied yet.
        let versionChanges = previous == nil || previous?.kubernetes.version != cluster.kubernetes.version || rollback
        // Members leaving the inventory are still members until removed: their health decides the
        // order of the change (a member down must go before any is added), so they are probed too.
        let leavingMembers = previous?.etcdHosts.filter { cluster.host(named: $0.name) == nil } ?? []
        return try await withThrowingTaskGroup(of: (String, HostFacts).self) { group in
            for host in cluster.hosts + leavingMembers {
                guard let connection = await pool.connection(host.name) else { continue }
                let paths = (rendered.first { $0.host == host.name }?.files.map(\.path) ?? []) + (extraPaths[host.name] ?? [])
                let leaving = leavingMembers.contains { $0.name == host.name }
                let versions = host.runsKubelet && !leaving && (versionChanges || previous?.host(named: host.name) == nil) ? ["kubelet"] : []
                var units = ["containerd.service", "kubelet.service"]
                var probe: FactsGatherer.EtcdProbe?
                // A member leaving the etcd role in this change is still a member: probed too, or
                // validation would count a healthy member as down (K8S-QUORUM-001 with a false reason).
                if host.isEtcd || previous?.host(named: host.name)?.isEtcd == true {
                    units.append("etcd.service")
                    probe = .healthcheck(host, in: cluster)
                }
                // Under the lock: staging directories left by a writer killed in an earlier run go,
                // in every directory this host's managed files and applied state live in.
                var directories = Set(paths.map { ($0 as NSString).deletingLastPathComponent })
                directories.formUnion([AppliedState.directory, AppliedState.directory + "/revisions"])
                let sweeping = directories.sorted()
                group.addTask {
                    (host.name, try await gatherer.gather(on: connection, paths: paths, units: units, versions: versions, etcd: probe,
                                                          sweeping: sweeping))
                }
            }
            var facts: [String: HostFacts] = [:]
            for try await (name, fact) in group { facts[name] = fact }
            return facts
        }
    }

    /// etcd hosts that must join a running cluster (`initial-cluster-state=existing`): desired etcd
    /// hosts that are not members yet while some other member already runs. Each joins with the
    /// running members plus the joiners before it, as `member add` will have made them.
    func joiningMembers(desired: Cluster, previous: Cluster?, facts: [String: HostFacts]) -> [String: EtcdClusterState] {
        let running = desired.etcdHosts.filter { facts[$0.name]?.units["etcd.service"]?.isActive == true }.map(\.name)
        let previousMembers = Set(previous?.etcdHosts.map(\.name) ?? [])
        let established = running.isEmpty ? Array(previousMembers).sorted() : running
        guard !established.isEmpty else { return [:] }
        var members = desired.etcdHosts.map(\.name).filter { established.contains($0) }
        var states: [String: EtcdClusterState] = [:]
        for host in desired.etcdHosts where !established.contains(host.name) {
            members.append(host.name)
            states[host.name] = .existing(memberNames: members)
        }
        return states
    }

    /// Hosts whose managed files differ from what is rendered (edited by hand, or a run that stopped),
    /// or whose services are down: etcd on members, and (unless files-only, which starts nothing)
    /// containerd and kubelet where they run under systemd. A kubelet stopped by hand was left
    /// stopped by a re-apply before; the drifted host's idempotent install steps start it again.
    private func driftedHosts(rendered: [RenderedHost], facts: [String: HostFacts], cluster: Cluster,
                              servicesExpected: Bool) -> [String] {
        rendered.compactMap { host in
            guard let fact = facts[host.host], let member = cluster.host(named: host.host) else { return nil }
            let differs = host.files.contains { fact.fileChecksums[$0.path] != Self.sha256($0.content) }
            let etcdDown = member.isEtcd && fact.units["etcd.service"]?.isActive != true
            let runtimeDown = servicesExpected && fact.systemdRunning && member.runsKubelet
                && ["containerd.service", "kubelet.service"].contains { fact.units[$0]?.isActive != true }
            return differs || etcdDown || runtimeDown ? host.host : nil
        }.sorted()
    }

    /// The plan to run. A cluster whose hosts all match the applied revision gets none; hosts that
    /// drifted (or a first apply, or one that stopped) get the install playbook, whose steps are all
    /// idempotent, restricted to those hosts.
    private func makePlan(request: ApplyRequest, previous: Cluster?, observed: ObservedState, drifted: [String]) throws -> Plan {
        func planned(_ previous: Cluster?) throws -> Plan {
            let outcome = PlanRequest(previous: previous, desired: request.desired, observed: observed,
                                      playbookDirectory: request.playbookDirectory,
                                      templateDirectory: request.templates.directory, rollback: request.rollback).make()
            switch outcome {
            case .unusablePlaybooks(let diagnostics), .refused(let diagnostics):
                throw ExecutorError.refused(reason: "planning failed; nothing was changed:\n"
                    + diagnostics.errors.map { "  \($0.location.map { "\($0): " } ?? "")\($0.message)" }.joined(separator: "\n"))
            case .planned(let plan, _):
                return plan
            }
        }
        var plan = try planned(previous)
        // Hosts that drifted but have nothing planned get the install playbook, restricted to them:
        // every install step is idempotent, so it rewrites what differs and restarts what must.
        let hostsWithSteps = Set(plan.steps.map(\.host))
        let repair = Set(drifted).subtracting(hostsWithSteps)
        guard previous != nil, !repair.isEmpty else { return plan }
        let install = try planned(nil)
        let kept = Set(install.steps.filter { repair.contains($0.host) }.map(\.id))
        let repairSteps = install.steps.filter { kept.contains($0.id) }.map { step in
            var step = step
            step.needs = step.needs.filter { kept.contains($0) }
            return step
        }
        if plan.steps.isEmpty {
            plan = install
            plan.steps = repairSteps
        } else {
            // Run the repairs in their own batch, after the change.
            let batch = (plan.batches.map(\.index).max() ?? 0) + 1
            plan.batches.append(RolloutBatch(index: batch, name: "repair drifted hosts", operation: .install,
                                             hosts: repair.sorted(), maxFailurePercent: 0, criticalHosts: [],
                                             pauseAfter: nil, confirmAfter: false))
            plan.steps += repairSteps.map { var step = $0; step.batch = batch; return step }
        }
        return plan
    }

    /// The report per host as the state records it: counts, and the first failure's step and message.
    static func hostRecords(_ report: ApplyReport) -> [String: AppliedState.HostRecord] {
        report.hosts.mapValues { summary in
            let failure = report.failures.first { $0.host == summary.host }
            return AppliedState.HostRecord(ok: summary.ok, changed: summary.changed, skipped: summary.skipped, failed: summary.failed,
                                           failedStep: failure?.step,
                                           failure: failure.map { String($0.message.split(separator: "\n").first ?? "") })
        }
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    // MARK: - Files only

    /// Host → the paths the playbooks upload binaries to on it, so that facts can tell whether
    /// each is in place (files-only stages binaries too).
    private func artifactPaths(_ request: ApplyRequest) throws -> [String: [String]] {
        let loaded = PlaybookLoader().load(directory: request.playbookDirectory, templateDirectory: request.templates.directory)
        guard let playbooks = loaded.playbooks else { return [:] }
        var paths: [String: [String]] = [:]
        for host in request.desired.hosts {
            var seen = Set<String>()
            for playbook in playbooks.playbooks.values {
                for step in playbook.steps {
                    if case let .uploadArtifact(artifact) = step.action, step.on.matches(host), seen.insert(artifact.path).inserted {
                        paths[host.name, default: []].append(artifact.path)
                    }
                }
            }
        }
        return paths
    }

    /// Files-only refuses to change files on hosts where a k8sctl service already runs: the kubelet
    /// would pick up a changed static pod manifest at once, and a later full apply restarts units
    /// only for files *it* changed, so staged configs would never take effect. Also warns about
    /// clock skew, which the preflight a full apply runs would refuse.
    private func checkStageable(rendered: [RenderedHost], facts: [String: HostFacts], sink: ApplyEventSink) throws {
        var running: [String] = []
        for host in rendered {
            guard let fact = facts[host.host] else { continue }
            let skew = abs(Double(fact.clock) - Date().timeIntervalSince1970)
            if fact.clock > 0, skew > 30 {
                sink(.warning("\(host.host): clock is \(Int(skew)) s off this machine's; a full apply's preflight refuses that (certificates, etcd leases)"))
            }
            let active = fact.units.filter(\.value.isActive).keys.sorted()
            guard !active.isEmpty else { continue }
            // Content only: the playbook may tighten a rendered file's mode, which a full apply did.
            let differs = host.files.contains { fact.fileChecksums[$0.path] != Self.sha256($0.content) }
            if differs { running.append("\(host.host) (\(active.joined(separator: ", ")) active)") }
        }
        guard running.isEmpty else {
            throw ExecutorError.refused(reason: """
                --files-only stages hosts whose services are not running yet; these run k8sctl services and \
                their files differ: \(running.joined(separator: ", ")). Staged files there would take effect \
                unplanned (static pods at once) or never (units restart only for files a full apply changes). \
                Run a full apply for them; nothing was changed.
                """)
        }
    }
}
