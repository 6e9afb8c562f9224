/// Why a host could not be reached or a remote operation failed. Every message names the host and
/// says what to do.
public enum TransportError: Error, Sendable, Equatable {
    /// TCP connect failed or took longer than the connect timeout.
    case connectFailed(host: String, address: String, port: Int, reason: String)
    /// The SSH handshake (key exchange) failed.
    case handshakeFailed(host: String, address: String, reason: String)
    /// `strict` policy and the host's key is not in known_hosts.
    case unknownHostKey(host: String, address: String, knownHostsFile: String, presentedFingerprint: String)
    /// The host presented a key different from the one recorded: refused under every policy.
    case hostKeyMismatch(host: String, address: String, knownHostsFile: String, line: Int?,
                         knownHostsLine: String, expectedFingerprint: String, presentedFingerprint: String)
    /// known_hosts could not be read or written.
    case knownHostsUnusable(file: String, reason: String)
    /// No offered credential was accepted.
    case authenticationFailed(host: String, user: String, tried: [String], reason: String)
    /// The key file could not be read or decrypted.
    case keyFileUnusable(path: String, reason: String)
    /// An RSA key was selected with `transport: libssh2`: libssh2 1.10 signs only with SHA-1.
    case rsaKeyNeedsOpenSSH(host: String, keyDescription: String)
    /// The command could not be started or its channel broke.
    case channelFailed(host: String, command: String, reason: String)
    /// The command ran longer than its timeout; the channel was closed.
    case commandTimedOut(host: String, command: String, timeoutSeconds: Double)
    /// The bastion could not open a tunnel to the host.
    case tunnelFailed(host: String, bastion: String, reason: String)
    /// The system `ssh` client failed before running the command (exit 255).
    case openSSHFailed(host: String, reason: String)
    /// A remote file operation failed.
    case fileOperationFailed(host: String, path: String, reason: String)
    /// A file to write has a path the transport refuses (relative, newline, trailing space).
    case invalidPath(path: String, reason: String)
    /// The connection was closed (by ``RemoteHost/close()`` or the peer).
    case closed(host: String)
}

extension TransportError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .connectFailed(host, address, port, reason):
            return "cannot connect to \(host) (\(address):\(port)): \(reason); check the address, the port and that sshd runs there"
        case let .handshakeFailed(host, address, reason):
            return "SSH handshake with \(host) (\(address)) failed: \(reason)"
        case let .unknownHostKey(host, address, file, presented):
            return "host key for \(host) (\(address)) is not in \(file) (presented \(presented)); "
                + "run with hostKeyPolicy: accept-new once, or add it with ssh-keyscan \(address) >> \(file) after checking the fingerprint"
        case let .hostKeyMismatch(host, address, file, line, knownLine, expected, presented):
            let location = line.map { "\(file):\($0)" } ?? file
            return "HOST KEY MISMATCH for \(host) (\(address)): \(location) expects \(expected) but the host presented \(presented); "
                + "refusing to connect. The recorded entry is: \(knownLine). If the host was re-installed on purpose, "
                + "remove that line (ssh-keygen -R) and mark the host `replacement: true`; otherwise treat this as an attack"
        case let .knownHostsUnusable(file, reason):
            return "known_hosts file \(file) is unusable: \(reason)"
        case let .authenticationFailed(host, user, tried, reason):
            let offered = tried.isEmpty ? "no credentials were available" : "tried " + tried.joined(separator: ", ")
            return "authentication as \(user) on \(host) failed (\(offered)): \(reason); "
                + "check identityFile, the key's passphrase (K8SCTL_SSH_KEY_PASSPHRASE), ssh-agent (SSH_AUTH_SOCK) and the host's authorized_keys"
        case let .keyFileUnusable(path, reason):
            return "key file \(path) is unusable: \(reason)"
        case let .rsaKeyNeedsOpenSSH(host, key):
            return "\(key) for \(host) is an RSA key, which libssh2 1.10 cannot use against OpenSSH ≥ 8.8 (it signs only with SHA-1); "
                + "use transport: openssh (or auto), or an ed25519 key"
        case let .channelFailed(host, command, reason):
            return "running `\(command)` on \(host) failed: \(reason)"
        case let .commandTimedOut(host, command, seconds):
            return "`\(command)` on \(host) did not finish within \(TransportError.format(seconds)) s; the channel was closed. "
                + "Raise commandTimeout if the step is legitimately slow"
        case let .tunnelFailed(host, bastion, reason):
            return "bastion \(bastion) could not open a tunnel to \(host): \(reason); check AllowTcpForwarding on the bastion and the host's address"
        case let .openSSHFailed(host, reason):
            return "ssh to \(host) failed: \(reason)"
        case let .fileOperationFailed(host, path, reason):
            return "file operation on \(host) for \(path) failed: \(reason)"
        case let .invalidPath(path, reason):
            return "refusing to write \(path.debugDescription): \(reason)"
        case let .closed(host):
            return "the connection to \(host) is closed"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
