import K8sctlModel

/// A command to run on a host, as an argument vector — never as shell text.
///
/// Inventory values (host names, paths, labels) end up in arguments; turning the vector into the
/// SSH exec string quotes every argument as data, so nothing in them is ever interpreted by the
/// remote shell.
public struct RemoteCommand: Sendable, Hashable {
    /// The program and its arguments, e.g. `["systemctl", "is-active", "kubelet"]`.
    public var arguments: [String]
    /// Bytes fed to the command's standard input, then end-of-file. `nil` gives an empty stdin.
    public var standardInput: [UInt8]?
    /// How long the command may run before the transport gives up on it; `nil` uses the host's default.
    public var timeout: TimeSpan?

    public init(_ arguments: [String], standardInput: [UInt8]? = nil, timeout: TimeSpan? = nil) {
        precondition(!arguments.isEmpty, "a remote command needs at least a program name")
        self.arguments = arguments
        self.standardInput = standardInput
        self.timeout = timeout
    }

    /// The exec string sent over SSH: each argument POSIX-single-quoted, joined by spaces.
    public var shellText: String { arguments.map(ShellQuoting.quote).joined(separator: " ") }

    /// The same command run through `sudo -n --` (non-interactive: a password prompt fails at once
    /// instead of hanging the apply).
    public func becoming(_ become: SSHSettings.Become) -> RemoteCommand {
        switch become {
        case .none: return self
        case .sudo:
            var wrapped = self
            wrapped.arguments = ["sudo", "-n", "--"] + arguments
            return wrapped
        }
    }
}

/// POSIX shell quoting of data.
public enum ShellQuoting {
    /// Quotes `argument` so any POSIX shell reads it back as exactly one word with exactly these bytes.
    ///
    /// Single quotes suspend every special character; a single quote itself is written as `'\''`
    /// (close, escaped quote, reopen). Plain words made only of safe characters stay unquoted so
    /// logs stay readable.
    public static func quote(_ argument: String) -> String {
        if !argument.isEmpty && argument.utf8.allSatisfy(isSafe) { return argument }
        return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
             UInt8(ascii: ","), UInt8(ascii: "+"), UInt8(ascii: "@"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }
}
