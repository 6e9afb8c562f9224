import Foundation

/// What happened to one step on one host.
public enum StepStatus: String, Sendable, Hashable, Codable {
    /// Already as desired: nothing was touched.
    case ok
    case changed
    /// Not run: its guard said so, or a step it needs failed.
    case skipped
    case failed
}

/// Progress of an apply, for people (`ApplyEventPrinter`) and pipelines (`--output json`, one JSON
/// object per line). Events never carry file contents or key material.
public enum ApplyEvent: Sendable, Hashable {
    case connected(host: String, transport: String)
    case connectFailed(host: String, reason: String)
    case phase(String)
    case batchStarted(index: Int, name: String, hosts: [String])
    case stepFinished(host: String, step: String, status: StepStatus, detail: String, seconds: Double)
    case batchFinished(index: Int, name: String, failedHosts: [String])
    case stopped(reason: String)
    case warning(String)
}

extension ApplyEvent {
    /// One JSON object (a line of `--output json`).
    public var json: String {
        var object: [String: Any] = [:]
        switch self {
        case let .connected(host, transport): object = ["event": "connected", "host": host, "transport": transport]
        case let .connectFailed(host, reason): object = ["event": "connect-failed", "host": host, "reason": reason]
        case let .phase(name): object = ["event": "phase", "phase": name]
        case let .batchStarted(index, name, hosts): object = ["event": "batch-started", "batch": index, "name": name, "hosts": hosts]
        case let .stepFinished(host, step, status, detail, seconds):
            object = ["event": "step", "host": host, "step": step, "status": status.rawValue, "detail": detail,
                      "seconds": (seconds * 1000).rounded() / 1000]
        case let .batchFinished(index, name, failed): object = ["event": "batch-finished", "batch": index, "name": name, "failedHosts": failed]
        case let .stopped(reason): object = ["event": "stopped", "reason": reason]
        case let .warning(text): object = ["event": "warning", "message": text]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Receives events as they happen; the CLI prints them.
public typealias ApplyEventSink = @Sendable (ApplyEvent) -> Void
