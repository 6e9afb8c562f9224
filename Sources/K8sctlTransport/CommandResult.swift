/// What a remote command did.
public struct CommandResult: Sendable, Hashable {
    /// The exit status. A process killed by a signal reports 0 here and the signal in `exitSignal`
    /// (that is what SSH transmits), so check `succeeded`, not only the status.
    public var exitStatus: Int32
    /// The signal that killed the process, without the `SIG` prefix (`KILL`, `TERM`), if any.
    public var exitSignal: String?
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]
    /// Wall time from sending the request to the channel closing.
    public var duration: Duration

    public init(exitStatus: Int32, exitSignal: String? = nil, standardOutput: [UInt8] = [],
                standardError: [UInt8] = [], duration: Duration = .zero) {
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.duration = duration
    }

    /// Exited with status 0 and was not killed by a signal.
    public var succeeded: Bool { exitStatus == 0 && exitSignal == nil }
    public var stdout: String { String(decoding: standardOutput, as: UTF8.self) }
    public var stderr: String { String(decoding: standardError, as: UTF8.self) }

    /// The last `lines` lines of stderr, for error messages.
    public func stderrTail(lines: Int = 10) -> String {
        stderr.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// "exit status 3" or "killed by signal KILL", for messages.
    public var outcomeDescription: String {
        if let exitSignal { return "killed by signal \(exitSignal)" }
        return "exit status \(exitStatus)"
    }
}
