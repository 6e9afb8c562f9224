import Foundation
import K8sctlModel

/// A host reached through the system `ssh` client over one ControlMaster connection: the master is
/// opened once (handshake and authentication once), every command is multiplexed over it.
///
/// Used for RSA user keys (libssh2 1.10 cannot sign with rsa-sha2-* against OpenSSH ≥ 8.8) and when
/// `transport: openssh` is selected; honours ~/.ssh/config for everything not set on the command
/// line. Encrypted keys need ssh-agent on this path (BatchMode forbids prompts).
public final class OpenSSHHost: RemoteHost {
    public let name: String
    public let transportDescription: String
    private let endpoint: SSHEndpoint
    private let controlPath: String
    private let options: [String]
    private let become: SSHSettings.Become
    private let defaultTimeout: TimeSpan?
    private let closed = LockedFlag()

    private init(name: String, transportDescription: String, endpoint: SSHEndpoint, controlPath: String,
                 options: [String], become: SSHSettings.Become, defaultTimeout: TimeSpan?) {
        self.name = name
        self.transportDescription = transportDescription
        self.endpoint = endpoint
        self.controlPath = controlPath
        self.options = options
        self.become = become
        self.defaultTimeout = defaultTimeout
    }

    /// Opens the master connection (verifying the host key with OpenSSH's own checks under the same policy).
    /// - Parameters:
    ///   - controlDirectory: a private (0700) directory for the control socket; short, because a
    ///     socket path is limited to 107 bytes.
    ///   - reason: why this transport was chosen, shown in ``transportDescription``.
    /// - Throws: ``TransportError/openSSHFailed(host:reason:)``.
    public static func connect(_ endpoint: SSHEndpoint, through bastion: SSHEndpoint? = nil,
                               become: SSHSettings.Become = .none, commandTimeout: TimeSpan? = nil,
                               controlDirectory: String, reason: String) async throws -> OpenSSHHost {
        let controlPath = controlDirectory + "/" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let options = commonOptions(endpoint, controlPath: controlPath) + proxyOptions(bastion, for: endpoint)
        let master = try await LocalProcess.run(
            "ssh", options + ["-o", "ControlMaster=yes", "-o", "ControlPersist=yes", "-f", "-N", endpoint.address],
            timeoutMilliseconds: Int(endpoint.connectTimeout.milliseconds) + 5000)
        guard master.status == 0, master.signal == nil, !master.timedOut else {
            let stderr = String(decoding: master.standardError, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw TransportError.openSSHFailed(host: endpoint.name, reason: OpenSSHHost.explain(stderr, endpoint: endpoint,
                                                                                               timedOut: master.timedOut))
        }
        var description = "openssh (ControlMaster; \(reason))"
        if let bastion { description += " via bastion \(bastion.address):\(bastion.port)" }
        return OpenSSHHost(name: endpoint.name, transportDescription: description, endpoint: endpoint,
                           controlPath: controlPath, options: options, become: become, defaultTimeout: commandTimeout)
    }

    public func run(_ command: RemoteCommand) async throws -> CommandResult {
        guard !closed.value else { throw TransportError.closed(host: name) }
        let wrapped = command.becoming(become)
        let timeout = (wrapped.timeout ?? defaultTimeout).map { Int($0.milliseconds) }
        let outcome = try await LocalProcess.run(
            "ssh", options + ["-o", "ControlMaster=no", "-T", endpoint.address, "--", wrapped.shellText],
            standardInput: wrapped.standardInput ?? [], timeoutMilliseconds: timeout)
        if outcome.timedOut {
            throw TransportError.commandTimedOut(host: name, command: wrapped.shellText,
                                                 timeoutSeconds: Double(timeout ?? 0) / 1000)
        }
        // 255 is ssh's own failure, unless the remote command printed it; the master being gone is the usual cause.
        if outcome.status == 255, !FileManager.default.fileExists(atPath: controlPath) {
            throw TransportError.openSSHFailed(host: name, reason: "the ControlMaster connection is gone: "
                + String(decoding: outcome.standardError, as: UTF8.self))
        }
        if let signal = outcome.signal {
            throw TransportError.openSSHFailed(host: name, reason: "the local ssh client was killed by signal \(signal)")
        }
        // ssh cannot relay a remote exit-signal: a killed remote process shows as status 255.
        return CommandResult(exitStatus: outcome.status, exitSignal: nil,
                             standardOutput: outcome.standardOutput, standardError: outcome.standardError,
                             duration: outcome.duration)
    }

    public func close() async {
        guard closed.set() else { return }
        _ = try? await LocalProcess.run("ssh", options + ["-O", "exit", endpoint.address], timeoutMilliseconds: 5000)
    }

    /// Options shared by the master, the commands and `-O exit`.
    static func commonOptions(_ endpoint: SSHEndpoint, controlPath: String) -> [String] {
        var options = ["-p", String(endpoint.port), "-l", endpoint.user,
                       "-o", "BatchMode=yes",
                       "-o", "ConnectTimeout=\(max(1, endpoint.connectTimeout.milliseconds / 1000))",
                       "-o", "ControlPath=\(controlPath)",
                       "-o", "KexAlgorithms=^curve25519-sha256",
                       "-o", "ServerAliveInterval=15"]
        options += hostKeyOptions(endpoint.hostKeyPolicy, knownHostsFile: endpoint.knownHostsFile)
        for identity in endpoint.identities {
            switch identity {
            case let .keyFile(path, _):
                options += ["-i", KnownHostsVerifier.expand(path), "-o", "IdentitiesOnly=yes"]
            case let .agent(socket):
                options += ["-o", "IdentityAgent=\(socket)"]
            }
        }
        return options
    }

    static func hostKeyOptions(_ policy: SSHSettings.HostKeyPolicy, knownHostsFile: String) -> [String] {
        switch policy {
        case .strict:
            return ["-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=\(KnownHostsVerifier.expand(knownHostsFile))"]
        case .acceptNew:
            return ["-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=\(KnownHostsVerifier.expand(knownHostsFile))"]
        case .insecureIgnore:
            return ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"]
        }
    }

    /// A ProxyCommand that reaches the target through the bastion with the bastion's own
    /// credentials and the same host key policy (ProxyJump would drop command-line options).
    static func proxyOptions(_ bastion: SSHEndpoint?, for endpoint: SSHEndpoint) -> [String] {
        guard let bastion else { return [] }
        var arguments = ["ssh", "-W", "%h:%p", "-p", String(bastion.port), "-l", bastion.user, "-o", "BatchMode=yes",
                         "-o", "ConnectTimeout=\(max(1, bastion.connectTimeout.milliseconds / 1000))"]
        arguments += hostKeyOptions(bastion.hostKeyPolicy, knownHostsFile: bastion.knownHostsFile)
        for identity in bastion.identities {
            switch identity {
            case let .keyFile(path, _): arguments += ["-i", KnownHostsVerifier.expand(path), "-o", "IdentitiesOnly=yes"]
            case let .agent(socket): arguments += ["-o", "IdentityAgent=\(socket)"]
            }
        }
        arguments.append(bastion.address)
        // `%` starts a token in ProxyCommand; only our own %h:%p may stay one.
        let text = arguments.map { $0 == "%h:%p" ? $0 : ShellQuoting.quote($0).replacingOccurrences(of: "%", with: "%%") }
            .joined(separator: " ")
        return ["-o", "ProxyCommand=\(text)"]
    }

    /// Turns ssh's stderr into a message that says what to do.
    static func explain(_ stderr: String, endpoint: SSHEndpoint, timedOut: Bool) -> String {
        if timedOut { return "no answer from \(endpoint.label) within the connect timeout" }
        if stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            return "HOST KEY MISMATCH for \(endpoint.label): \(stderr)"
        }
        if stderr.contains("Host key verification failed") {
            return "host key for \(endpoint.label) is not in \(endpoint.knownHostsFile) (or changed); "
                + "run with hostKeyPolicy: accept-new once, or add it with ssh-keyscan. ssh said: \(stderr)"
        }
        if stderr.contains("Permission denied") {
            return "authentication as \(endpoint.user) failed; check identityFile, ssh-agent and authorized_keys. ssh said: \(stderr)"
        }
        return stderr.isEmpty ? "ssh exited with status 255" : stderr
    }
}

/// A flag that flips once, safely from any thread.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
    /// Sets the flag; returns false when it was already set.
    func set() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if flag { return false }
        flag = true
        return true
    }
}
