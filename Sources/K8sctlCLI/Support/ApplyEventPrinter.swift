import Foundation
import K8sctlExecutor

/// Prints apply progress: a line per step for people, or one JSON object per line for pipelines.
final class ApplyEventPrinter: Sendable {
    let format: ApplyCommand.OutputFormat
    private let lock = NSLock()
    private let colored = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    init(format: ApplyCommand.OutputFormat) { self.format = format }

    func handle(_ event: ApplyEvent) {
        let line: String?
        switch format {
        case .json: line = event.json
        case .text: line = text(event)
        }
        if let line { write(line) }
    }

    func note(_ text: String) {
        FileHandle.standardError.write(Data("k8sctl: \(text)\n".utf8))
    }

    /// - Parameter success: the verdict word for a run that succeeded (`converged`, `stopped`…).
    func finish(_ report: ApplyReport, success: String = "converged") {
        if format == .json {
            let summary: [String: Any] = [
                "event": "finished", "succeeded": report.succeeded, "filesOnly": report.filesOnly, "revision": report.revision as Any,
                "seconds": (report.wallSeconds * 100).rounded() / 100,
                "hosts": report.hosts.values.sorted { $0.host < $1.host }.map {
                    ["host": $0.host, "ok": $0.ok, "changed": $0.changed, "skipped": $0.skipped, "failed": $0.failed]
                },
                "failures": report.failures.map { ["host": $0.host, "step": $0.step, "message": $0.message] },
                "stoppedReason": report.stoppedReason as Any,
                "rolloutStop": report.stop.map { stop -> [String: Any] in
                    ["batchIndex": stop.batchIndex, "batchCount": stop.batchCount, "batchName": stop.batchName,
                     "hostsDone": stop.hostsDone, "hostsPending": stop.hostsPending, "abortedBy": stop.abortedBy as Any,
                     "abortedAt": stop.abortedAt as Any, "immediate": stop.immediate]
                } as Any,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            write(String(decoding: data, as: UTF8.self))
            return
        }
        var rows = [["HOST", "OK", "CHANGED", "SKIPPED", "FAILED"]]
        for summary in report.hosts.values.sorted(by: { $0.host < $1.host }) {
            rows.append([summary.host, "\(summary.ok)", "\(summary.changed)", "\(summary.skipped)", "\(summary.failed)"])
        }
        write("")
        for row in TextTable.render(rows) { write(row) }
        for failure in report.failures { write("FAILED \(failure)") }
        let verdict = report.succeeded ? (report.filesOnly ? "staged (files only; services not started)" : success)
            : (report.stoppedReason ?? "failed")
        write(String(format: "\n%@: %d changed, %d ok, %d failed on %d hosts in %.1fs%@", verdict, report.changedCount,
                     report.okCount, report.failures.count, report.hosts.count, report.wallSeconds,
                     report.revision.map { " (revision \($0))" } ?? ""))
        if let stop = report.stop { write("stopped at \(stop.summary)\(stop.immediate ? " — stopped at once: pending hosts may be cordoned or half-changed" : "")") }
    }

    private func text(_ event: ApplyEvent) -> String? {
        switch event {
        case let .connected(host, transport): return "connected \(host) via \(transport)"
        case let .connectFailed(host, reason): return paint("unreachable \(host): \(reason)", "31")
        case let .phase(name): return paint("==> \(name)", "1")
        case let .batchStarted(index, name, hosts): return paint("--- batch \(index): \(name) (\(hosts.count) host\(hosts.count == 1 ? "" : "s"))", "1")
        case let .stepFinished(host, step, status, detail, seconds):
            let label: String
            switch status {
            case .ok: label = paint("ok     ", "32")
            case .changed: label = paint("changed", "33")
            case .skipped: label = paint("skipped", "36")
            case .failed: label = paint("FAILED ", "31")
            }
            let firstLine = detail.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            var line = String(format: "%@ %@ › %@  %@ (%.2fs)", label, host, step, firstLine, seconds)
            if status == .failed, detail.contains("\n") { line += "\n" + detail.split(separator: "\n").dropFirst().map { "    \($0)" }.joined(separator: "\n") }
            return line
        case let .batchFinished(_, name, failed):
            return failed.isEmpty ? nil : paint("batch \(name): failed on \(failed.joined(separator: ", "))", "31")
        case let .stopped(reason): return paint("stopped: \(reason)", "31")
        case let .warning(text): return paint("warning: \(text)", "33")
        }
    }

    private func paint(_ text: String, _ code: String) -> String {
        colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
