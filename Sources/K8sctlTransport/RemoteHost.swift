/// A connected host that runs commands: the capability the executor needs from a transport.
///
/// One value per host, connected once and reused for every step of an apply. Implementations:
/// ``LibSSH2Host`` (in-process libssh2 session) and ``OpenSSHHost`` (the system `ssh` client over a
/// ControlMaster connection). File operations (``writeFiles(_:options:)``, ``readFile(_:)``,
/// ``checksums(_:)``) are built on ``run(_:)`` so both share one tested implementation.
public protocol RemoteHost: Sendable {
    /// The inventory name of the host, for messages.
    var name: String { get }
    /// Which transport carries this host, e.g. `libssh2 (curve25519-sha256, ssh-ed25519)` or
    /// `openssh (ControlMaster; RSA key)` — the executor prints it.
    var transportDescription: String { get }
    /// Things the user must see once per run: an unverified host key under `insecure-ignore`, a key
    /// recorded under `accept-new`.
    var notices: [String] { get }
    /// Runs one command and waits for it.
    /// - Throws: ``TransportError`` when the command could not be run or timed out; a non-zero exit
    ///   status is not an error here, it is in the result.
    func run(_ command: RemoteCommand) async throws -> CommandResult
    /// Closes the connection. Later calls throw ``TransportError/closed(host:)``.
    func close() async
}

extension RemoteHost {
    public var notices: [String] { [] }
}
