/// Failures of an apply, each naming the host and step and saying what to do.
public enum ExecutorError: Error, Sendable, Equatable {
    case factsFailed(host: String, outcome: String, stderr: String)
    case stepFailed(host: String, step: String, command: String, outcome: String, stderr: String)
    case lockHeld(holder: String, since: String, host: String)
    case unreachable(host: String, reason: String)
    case refused(reason: String)
}

extension ExecutorError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .factsFailed(host, outcome, stderr):
            return "\(host): gathering facts failed (\(outcome))\(stderr.isEmpty ? "" : ":\n\(stderr)")"
        case let .stepFailed(host, step, command, outcome, stderr):
            return "\(host): step '\(step)' failed (\(outcome))\n  command: \(command)\(stderr.isEmpty ? "" : "\n  stderr:\n\(stderr)")"
        case let .lockHeld(holder, since, host):
            return "another apply holds the cluster lock on \(host): \(holder), since \(since); wait for it, or break a stale lock with `k8sctl unlock`"
        case let .unreachable(host, reason):
            return "\(host): unreachable: \(reason)"
        case let .refused(reason):
            return reason
        }
    }
}
