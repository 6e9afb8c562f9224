import Foundation
import K8sctlModel
import K8sctlPlanning
import K8sctlTransport

/// `apply --files-only`: writes every file the plan would write — certificates and keys, static
/// pod manifests, units, configs, binaries — and nothing else: no unit is started, restarted or
/// reloaded, no command runs, nothing waits for etcd or the API server.
///
/// Per host, one write: the files that facts show differ (content, mode or owner) travel together
/// in one stream to one remote program; files already in place cost nothing, not even a round
/// trip. The plan's other steps are reported as not run, for the full apply that follows.
struct FileStaging {
    let plan: Plan
    let contexts: [String: StepContext]
    let facts: [String: HostFacts]
    let parallelism: Int
    let sink: ApplyEventSink
    let interrupt: InterruptFlag

    /// The actions whose whole effect is files on the node.
    static let fileActions: Set<ActionKind> = [.render, .pki, .uploadArtifact]

    func run() async -> ApplyReport {
        var report = ApplyReport()
        let hosts = Array(Set(plan.steps.map(\.host))).sorted()
        await withTaskGroup(of: HostOutcome.self) { group in
            var next = hosts.makeIterator()
            func startNext() -> Bool {
                guard !interrupt.isRequested, let host = next.next() else { return false }
                let steps = plan.steps.filter { $0.host == host }
                group.addTask { await stage(host: host, steps: steps) }
                return true
            }
            for _ in 0..<max(1, parallelism) where !startNext() { break }
            while let outcome = await group.next() {
                for (status, count) in outcome.counts { for _ in 0..<count { report.record(host: outcome.host, status: status) } }
                if let failure = outcome.failure {
                    report.failures.append(ApplyReport.Failure(host: outcome.host, step: "files", message: failure))
                }
                sink(.stepFinished(host: outcome.host, step: "files", status: outcome.status, detail: outcome.detail,
                                   seconds: outcome.seconds))
                _ = startNext()
            }
        }
        let staged = Set(report.hosts.keys)
        if interrupt.isRequested, staged.count < hosts.count {
            report.stoppedReason = "interrupted after staging \(staged.count) of \(hosts.count) hosts; run apply again to resume"
            sink(.stopped(reason: report.stoppedReason!))
        }
        return report
    }

    private struct HostOutcome: Sendable {
        var host: String
        var status: StepStatus
        var detail: String
        var counts: [StepStatus: Int]
        var failure: String?
        var seconds: Double
    }

    private func stage(host: String, steps: [PlanStep]) async -> HostOutcome {
        let started = ContinuousClock.now
        func elapsed() -> Double {
            let duration = ContinuousClock.now - started
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let fileSteps = steps.filter { Self.fileActions.contains($0.action.kind) }
        let notRun = steps.count - fileSteps.count
        let notRunNote = notRun == 0 ? "" : "; \(notRun) step\(notRun == 1 ? "" : "s") (services, waits, commands) left for a full apply"
        guard let context = contexts[host] else {
            return HostOutcome(host: host, status: .failed, detail: "no connection", counts: [.failed: 1],
                               failure: "no connection to \(host)", seconds: elapsed())
        }
        let observed = facts[host] ?? HostFacts()
        do {
            // What each step writes, minus what is already in place. A path two steps write (the
            // cluster CA for an etcd member that is also a kubelet host) goes once.
            var pending: [FileWrite] = []
            var pendingPaths = Set<String>()
            var stepPaths: [[String]] = []
            for step in fileSteps {
                let (paths, differing) = try writes(of: step, in: context, observed: observed)
                for write in differing where pendingPaths.insert(write.file.path).inserted { pending.append(write) }
                stepPaths.append(paths)
            }
            let outcomes = try await context.connection.writeFiles(pending, backupDirectory: context.backupDirectory)
            let changed = Set(outcomes.filter(\.isChanged).map(\.path))
            await context.changes.record(host: host, paths: Array(changed))
            var counts: [StepStatus: Int] = [:]
            for paths in stepPaths { counts[paths.contains(where: changed.contains) ? .changed : .ok, default: 0] += 1 }
            let total = Set(stepPaths.joined()).count
            let detail = changed.isEmpty
                ? "\(total) files in place\(notRunNote)"
                : "\(changed.count) of \(total) files written\(notRunNote)"
            return HostOutcome(host: host, status: changed.isEmpty ? .ok : .changed, detail: detail, counts: counts,
                               failure: nil, seconds: elapsed())
        } catch {
            return HostOutcome(host: host, status: .failed, detail: "\(error)", counts: [.failed: 1],
                               failure: "\(error)", seconds: elapsed())
        }
    }

    /// The paths a step manages, and those of its files that differ from what the facts saw
    /// (content, mode or owner). An artifact whose checksum on the node matches its pin is not
    /// even read from the local artifact source.
    private func writes(of step: PlanStep, in context: StepContext,
                        observed: HostFacts) throws -> (paths: [String], differing: [FileWrite]) {
        func inPlace(_ path: String, sha256: String, mode: UInt16, owner: String, group: String) -> Bool {
            observed.fileChecksums[path] == sha256
                && observed.fileMetadata[path] == Self.metadata(mode: mode, owner: owner, group: group)
        }
        if case let .uploadArtifact(artifact) = step.action, let pin = artifact.sha256,
           inPlace(artifact.path, sha256: pin, mode: StepRunner.mode(artifact.mode, default: 0o755), owner: "root", group: "root") {
            return ([artifact.path], [])
        }
        let writes = try StepRunner().fileWrites(step.action, in: context)
        return (writes.map(\.file.path), writes.filter { write in
            let file = write.file
            return !inPlace(file.path, sha256: write.sha256 ?? Applier.sha256(file.content), mode: file.mode, owner: file.owner, group: file.group)
        })
    }

    static func metadata(mode: UInt16, owner: String, group: String) -> String {
        "\(String(mode & 0o7777, radix: 8)) \(owner) \(group)"
    }
}
