import Foundation
import K8sctlModel

/// Turns the inventory's SSH settings and a host into a connected ``RemoteHost``, choosing the
/// transport: libssh2 by default, the OpenSSH client for RSA keys (under `auto`) or when asked.
public struct HostConnector: Sendable {
    public var settings: SSHSettings
    /// Where `SSH_AUTH_SOCK`, `K8SCTL_SSH_KEY_PASSPHRASE` and `HOME` are read from.
    public var environment: [String: String]
    /// Private directory for OpenSSH control sockets.
    public var controlDirectory: String

    /// - Parameters:
    ///   - settings: `spec.ssh` of the inventory.
    ///   - environment: the process environment by default; tests pass their own agent socket.
    ///   - controlDirectory: defaults to a fresh 0700 directory under /tmp.
    public init(settings: SSHSettings, environment: [String: String] = ProcessInfo.processInfo.environment,
                controlDirectory: String? = nil) {
        self.settings = settings
        self.environment = environment
        self.controlDirectory = controlDirectory ?? HostConnector.processControlDirectory
    }

    /// Connects to `host`.
    /// - Throws: ``TransportError``; an RSA key under `transport: libssh2` is
    ///   ``TransportError/rsaKeyNeedsOpenSSH(host:keyDescription:)``.
    public func connect(_ host: K8sctlModel.Host) async throws -> any RemoteHost {
        let endpoint = self.endpoint(for: host)
        let bastion = settings.bastion.map(bastionEndpoint)
        let kind = host.ssh.transport ?? settings.transport
        switch kind {
        case .openssh:
            return try await connectOpenSSH(endpoint, bastion: bastion, reason: "transport: openssh")
        case .libssh2:
            return try await LibSSH2Host.connect(endpoint, through: bastion, become: settings.become,
                                                 commandTimeout: settings.commandTimeout)
        case .auto:
            if let rsa = HostConnector.onlyRSAKey(endpoint.identities) {
                return try await connectOpenSSH(endpoint, bastion: bastion, reason: "RSA key \(rsa)")
            }
            do {
                return try await LibSSH2Host.connect(endpoint, through: bastion, become: settings.become,
                                                     commandTimeout: settings.commandTimeout)
            } catch TransportError.rsaKeyNeedsOpenSSH(_, let key) {
                return try await connectOpenSSH(endpoint, bastion: bastion, reason: "RSA \(key)")
            }
        }
    }

    /// The resolved connection parameters of `host` (overrides over `spec.ssh`).
    public func endpoint(for host: K8sctlModel.Host) -> SSHEndpoint {
        SSHEndpoint(name: host.name, address: host.address.description, port: host.ssh.port ?? settings.port,
                    user: host.ssh.user ?? settings.user,
                    identities: identities(keyFile: host.ssh.identityFile ?? settings.identityFile),
                    knownHostsFile: settings.knownHosts, hostKeyPolicy: settings.hostKeyPolicy,
                    connectTimeout: settings.connectTimeout)
    }

    func bastionEndpoint(_ bastion: Bastion) -> SSHEndpoint {
        SSHEndpoint(name: "bastion \(bastion.address)", address: bastion.address, port: bastion.port,
                    user: bastion.user ?? settings.user,
                    identities: identities(keyFile: bastion.identityFile ?? settings.identityFile),
                    knownHostsFile: settings.knownHosts, hostKeyPolicy: settings.hostKeyPolicy,
                    connectTimeout: settings.connectTimeout)
    }

    /// An explicit key file is the only credential (like `IdentitiesOnly`); without one, the
    /// agent first, then the default key files that exist.
    func identities(keyFile: String?) -> [SSHIdentity] {
        let passphrase = environment["K8SCTL_SSH_KEY_PASSPHRASE"]
        if let keyFile { return [.keyFile(path: keyFile, passphrase: passphrase)] }
        var identities: [SSHIdentity] = []
        if let socket = environment["SSH_AUTH_SOCK"], !socket.isEmpty { identities.append(.agent(socket: socket)) }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        for name in ["id_ed25519", "id_ecdsa", "id_rsa"] {
            let path = "\(home)/.ssh/\(name)"
            if FileManager.default.fileExists(atPath: path) { identities.append(.keyFile(path: path, passphrase: passphrase)) }
        }
        return identities
    }

    /// The RSA key file when every credential is an RSA key file (so libssh2 cannot succeed).
    static func onlyRSAKey(_ identities: [SSHIdentity]) -> String? {
        var rsa: String?
        for identity in identities {
            guard case let .keyFile(path, _) = identity,
                  let data = FileManager.default.contents(atPath: KnownHostsVerifier.expand(path)),
                  PrivateKeyKind.detect(String(decoding: data, as: UTF8.self)) == .rsa else { return nil }
            rsa = rsa ?? path
        }
        return rsa
    }

    private func connectOpenSSH(_ endpoint: SSHEndpoint, bastion: SSHEndpoint?, reason: String) async throws -> OpenSSHHost {
        try await OpenSSHHost.connect(endpoint, through: bastion, become: settings.become,
                                      commandTimeout: settings.commandTimeout, controlDirectory: controlDirectory,
                                      reason: reason)
    }

    /// One 0700 directory per process for control sockets, short enough for the 107-byte limit.
    static let processControlDirectory: String = {
        var template = Array("/tmp/k8sctl-ssh-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) } ?? "/tmp"
        }
    }()
}
