import Foundation
import K8sctlModel
import K8sctlPlanning

/// Runs a plan's steps: batches in order; inside a batch, every step once all it needs has
/// succeeded, one step at a time per host (one connection each), up to `parallelism` hosts at once.
/// After each batch the failure policy decides whether the rollout goes on, and before each batch
/// the executor looks for a stop request (Ctrl-C, or `k8sctl abort` through `abortCheck`).
struct PlanExecution {
    let plan: Plan
    let contexts: [String: StepContext]
    let parallelism: Int
    let sink: ApplyEventSink
    let interrupt: InterruptFlag
    /// Reads the cluster's abort request aimed at this run (nil: none), between batches.
    var abortCheck: (@Sendable () async -> AbortRequest?)? = nil

    private enum Outcome { case succeeded, failed, skipped }

    func run() async -> ApplyReport {
        var report = ApplyReport()
        var outcomes: [String: Outcome] = [:]
        var failedHosts = Set<String>()
        /// Hosts of the batches so far that carry a failure budget (worker batches).
        var hostsSoFar = Set<String>()
        let runner = StepRunner()
        var lastStarted: RolloutBatch?
        var abort: AbortRequest?

        for batch in plan.batches {
            let steps = plan.steps.filter { $0.batch == batch.index }
            if steps.isEmpty { continue }
            if !interrupt.isRequested, let check = abortCheck, let request = await check() {
                abort = request
                interrupt.request(by: request.requestedBy)
            }
            if interrupt.isRequested {
                report.stoppedReason = stopReason(abort: abort, after: lastStarted, before: batch)
                break
            }
            lastStarted = batch
            sink(.batchStarted(index: batch.index, name: batch.name, hosts: batch.hosts))
            var pending = steps
            var busyHosts = Set<String>()
            await withTaskGroup(of: ([(PlanStep, StepStatus, String)], Double).self) { tasks in
                var running = 0
                func launchReady() {
                    var index = 0
                    // A stop after the batch lets it finish; only a stop "now" holds back its steps.
                    while index < pending.count && running < parallelism && !interrupt.stopsNow {
                        let step = pending[index]
                        let needs = step.needs.map { outcomes[$0] }
                        if failedHosts.contains(step.host) || needs.contains(where: { $0 == .failed || $0 == .skipped }) {
                            pending.remove(at: index)
                            outcomes[step.id] = .skipped
                            report.record(host: step.host, status: .skipped)
                            sink(.stepFinished(host: step.host, step: step.step, status: .skipped,
                                               detail: failedHosts.contains(step.host) ? "host failed earlier" : "a step it needs did not succeed", seconds: 0))
                            continue
                        }
                        guard !busyHosts.contains(step.host), needs.allSatisfy({ $0 == .succeeded }),
                              let context = contexts[step.host] else {
                            index += 1
                            continue
                        }
                        pending.remove(at: index)
                        // The file steps that would follow on this host go in the same transfer.
                        let group = FileWriteGroup(steps: FileWriteGroup.take(after: step, from: &pending) { outcomes[$0] == .succeeded })
                        busyHosts.insert(step.host)
                        running += 1
                        tasks.addTask {
                            let started = ContinuousClock.now
                            let results = await group.run(in: context, runner: runner)
                            let d = ContinuousClock.now - started
                            return (results, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
                        }
                    }
                }
                launchReady()
                while let (results, seconds) = await tasks.next() {
                    running -= 1
                    for (step, status, detail) in results {
                        busyHosts.remove(step.host)
                        // Steps only report `skipped` from a file-write group that failed: they did not
                        // run, or their transfer failed.
                        outcomes[step.id] = status == .failed ? .failed : status == .skipped ? .skipped : .succeeded
                        report.record(host: step.host, status: status)
                        if status == .failed {
                            failedHosts.insert(step.host)
                            report.failures.append(ApplyReport.Failure(host: step.host, step: step.step, message: detail))
                        }
                        sink(.stepFinished(host: step.host, step: step.step, status: status, detail: detail, seconds: seconds))
                    }
                    launchReady()
                }
                // Steps left when nothing runs: interrupted, or needs that can never be met.
                for step in pending {
                    outcomes[step.id] = .skipped
                    report.record(host: step.host, status: .skipped)
                }
            }
            // The failure budget (`rollout.workers.maxFailurePercent`) is a share of the hosts rolled
            // under it: control-plane batches (budget 0, any failure stops) must not dilute it.
            if batch.maxFailurePercent > 0 { hostsSoFar.formUnion(batch.hosts) }
            let failedHere = batch.hosts.filter { failedHosts.contains($0) }
            sink(.batchFinished(index: batch.index, name: batch.name, failedHosts: failedHere))

            if let critical = failedHere.first(where: { batch.criticalHosts.contains($0) }) {
                report.stoppedReason = "critical host \(critical) failed in \(batch.name): rollout stopped"
                break
            }
            let rolled = batch.maxFailurePercent > 0 ? hostsSoFar : Set(batch.hosts)
            let failedShare = rolled.isEmpty ? 0 : Double(failedHosts.intersection(rolled).count) * 100 / Double(rolled.count)
            if !failedHere.isEmpty && failedShare > Double(batch.maxFailurePercent) {
                report.stoppedReason = String(format: "%.0f%% of hosts failed so far (limit %d%%) after %@: rollout stopped",
                                              failedShare, batch.maxFailurePercent, batch.name)
                break
            }
            if interrupt.stopsNow {
                report.stoppedReason = "stopped at once during \(batch.name) by \(interrupt.requester ?? "an interrupt"): "
                    + "its hosts may be cordoned or partly changed; run apply again to finish them"
                break
            }
            if interrupt.isRequested, batch.index != plan.batches.last(where: { b in plan.steps.contains { $0.batch == b.index } })?.index {
                report.stoppedReason = stopReason(abort: abort, after: batch, before: nil)
                break
            }
            if let pause = batch.pauseAfter, pause.milliseconds > 0, batch.index != plan.batches.last?.index {
                sink(.phase("pausing \(pause) before the next batch"))
                try? await Task.sleep(for: .milliseconds(pause.milliseconds))
            }
        }
        if let reason = report.stoppedReason {
            report.stop = stopRecord(reason: reason, lastStarted: lastStarted, outcomes: outcomes, abort: abort)
            sink(.stopped(reason: reason))
        }
        return report
    }

    private func stopReason(abort: AbortRequest?, after: RolloutBatch?, before: RolloutBatch?) -> String {
        let who = abort.map { "aborted by \($0.requestedBy) at \($0.requestedAt)" } ?? "interrupted by \(interrupt.requester ?? "an interrupt")"
        let whereText = after.map { "after \($0.name)" } ?? before.map { "before \($0.name)" } ?? "before the first batch"
        return "\(who) \(whereText); run apply again to resume"
    }

    /// Where the rollout stopped: a host is done when every step planned for it succeeded.
    private func stopRecord(reason: String, lastStarted: RolloutBatch?, outcomes: [String: Outcome], abort: AbortRequest?) -> RolloutStop {
        var order: [String] = []
        var done: [String: Bool] = [:]
        for step in plan.steps {
            if done[step.host] == nil { order.append(step.host); done[step.host] = true }
            if outcomes[step.id] != .succeeded { done[step.host] = false }
        }
        let used = plan.batches.filter { batch in plan.steps.contains { $0.batch == batch.index } }
        let position = lastStarted.flatMap { last in used.firstIndex { $0.index == last.index } }.map { $0 + 1 } ?? 0
        return RolloutStop(reason: reason, batchIndex: position, batchName: lastStarted?.name ?? "none started",
                           batchCount: used.count, hostsDone: order.filter { done[$0] == true },
                           hostsPending: order.filter { done[$0] != true },
                           abortedBy: abort?.requestedBy ?? (interrupt.isRequested ? interrupt.requester : nil),
                           abortedAt: abort?.requestedAt ?? (interrupt.isRequested ? Self.now() : nil),
                           immediate: interrupt.stopsNow)
    }

    private static func now() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }
}
