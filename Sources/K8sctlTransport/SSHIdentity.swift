/// A credential offered to a host, in the order they are tried.
public enum SSHIdentity: Sendable, Hashable, CustomStringConvertible {
    /// A private key file (OpenSSH or PEM format), optionally encrypted with `passphrase`.
    case keyFile(path: String, passphrase: String?)
    /// The keys held by an ssh-agent listening on `socket` (usually `$SSH_AUTH_SOCK`).
    case agent(socket: String)

    public var description: String {
        switch self {
        case let .keyFile(path, _): return "key \(path)"
        case let .agent(socket): return "ssh-agent at \(socket)"
        }
    }
}
