/// How k8sctl reaches hosts.
public struct SSHSettings: Sendable, Hashable, Codable {
    public enum HostKeyPolicy: String, Sendable, Hashable, Codable, CaseIterable {
        /// Refuse hosts whose key is not already in known_hosts (the default).
        case strict
        /// Record keys of hosts never seen before; refuse changed keys.
        case acceptNew = "accept-new"
        /// Accept any key. Prints a warning every run.
        case insecureIgnore = "insecure-ignore"
    }
    public enum Become: String, Sendable, Hashable, Codable, CaseIterable { case none, sudo }

    public var user: String
    public var port: Int
    public var identityFile: String?
    public var knownHosts: String
    public var hostKeyPolicy: HostKeyPolicy
    public var become: Become
    public var bastion: Bastion?
    public var transport: SSHTransportKind
    public var connectTimeout: TimeSpan
    public var commandTimeout: TimeSpan

    public init(user: String = "root", port: Int = 22, identityFile: String? = nil,
                knownHosts: String = Defaults.knownHosts, hostKeyPolicy: HostKeyPolicy = .strict,
                become: Become = .none, bastion: Bastion? = nil, transport: SSHTransportKind = .auto,
                connectTimeout: TimeSpan = .seconds(10), commandTimeout: TimeSpan = .seconds(300)) {
        self.user = user
        self.port = port
        self.identityFile = identityFile
        self.knownHosts = knownHosts
        self.hostKeyPolicy = hostKeyPolicy
        self.become = become
        self.bastion = bastion
        self.transport = transport
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }
}

/// A jump host every connection goes through.
public struct Bastion: Sendable, Hashable, Codable {
    public var address: String
    public var port: Int
    public var user: String?
    public var identityFile: String?
    public init(address: String, port: Int = 22, user: String? = nil, identityFile: String? = nil) {
        self.address = address
        self.port = port
        self.user = user
        self.identityFile = identityFile
    }
}

public enum SSHTransportKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// libssh2, falling back to OpenSSH for keys libssh2 cannot use (RSA against modern sshd).
    case auto
    case libssh2
    /// The system `ssh` client with ControlMaster; honours ~/.ssh/config.
    case openssh
}
