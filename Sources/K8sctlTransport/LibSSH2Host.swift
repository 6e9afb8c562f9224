import K8sctlModel

/// A host reached through an in-process libssh2 session: one TCP connection, handshake and
/// authentication per host, reused for every command, on a thread of its own.
public final class LibSSH2Host: RemoteHost {
    public let name: String
    public let transportDescription: String
    /// Warnings the caller should print once (e.g. host key not verified, key recorded).
    public let notices: [String]
    private let thread: SessionThread
    private let session: LibSSH2Session
    private let become: SSHSettings.Become
    private let defaultTimeout: TimeSpan?

    private init(name: String, transportDescription: String, notices: [String], thread: SessionThread,
                 session: LibSSH2Session, become: SSHSettings.Become, defaultTimeout: TimeSpan?) {
        self.name = name
        self.transportDescription = transportDescription
        self.notices = notices
        self.thread = thread
        self.session = session
        self.become = become
        self.defaultTimeout = defaultTimeout
    }

    /// Connects, verifies the host key, authenticates.
    /// - Parameters:
    ///   - endpoint: the host.
    ///   - bastion: when set, the connection is tunnelled through this jump host (its own host key
    ///     is verified under the same policy and known_hosts file).
    ///   - become: `sudo` wraps every command as `sudo -n -- …`.
    ///   - commandTimeout: limit for commands that do not set their own.
    /// - Throws: ``TransportError``.
    public static func connect(_ endpoint: SSHEndpoint, through bastion: SSHEndpoint? = nil,
                               become: SSHSettings.Become = .none,
                               commandTimeout: TimeSpan? = nil) async throws -> LibSSH2Host {
        let thread = SessionThread(name: "k8sctl-ssh-\(endpoint.name)")
        do {
            let (session, description, notices) = try await thread.perform {
                try LibSSH2Host.open(endpoint, through: bastion)
            }
            return LibSSH2Host(name: endpoint.name, transportDescription: description, notices: notices, thread: thread,
                               session: session, become: become, defaultTimeout: commandTimeout)
        } catch {
            thread.finish {}
            thread.join()
            throw error
        }
    }

    public func run(_ command: RemoteCommand) async throws -> CommandResult {
        let wrapped = command.becoming(become)
        let timeout = (command.timeout ?? defaultTimeout).map { Int($0.milliseconds) }
        let session = self.session
        return try await thread.perform {
            try session.execute(wrapped.shellText, standardInput: wrapped.standardInput ?? [], timeoutMilliseconds: timeout)
        }
    }

    public func close() async {
        let session = self.session
        _ = try? await thread.perform { session.shutdown() }
        thread.finish {}
        // The thread has nothing left to do: it ends at once. Waiting for it means no session
        // thread is still ending when the process exits.
        thread.join()
    }

    deinit {
        let session = self.session
        thread.finish { session.shutdown() }
    }

    /// Runs on the host's thread.
    private static func open(_ endpoint: SSHEndpoint, through bastion: SSHEndpoint?) throws
        -> (LibSSH2Session, String, [String]) {
        let deadline = Deadline(milliseconds: Int(endpoint.connectTimeout.milliseconds))
        var notices: [String] = []
        var tunnel: BastionTunnel?
        let socket: Int32
        if let bastion {
            let (jump, _) = try establish(bastion, socket: try tcpConnect(bastion), deadline: deadline, notices: &notices)
            let opened = try BastionTunnel(bastion: jump, targetName: endpoint.name, targetAddress: endpoint.address,
                                           targetPort: endpoint.port, deadline: deadline)
            tunnel = opened
            socket = opened.sessionEnd
        } else {
            socket = try tcpConnect(endpoint)
        }
        do {
            let (session, accepted) = try establish(endpoint, socket: socket, deadline: deadline, notices: &notices)
            session.tunnel = tunnel
            var description = "libssh2 (\(session.negotiatedMethods); \(accepted))"
            if let bastion { description += " via bastion \(bastion.address):\(bastion.port)" }
            return (session, description, notices)
        } catch {
            tunnel?.stop()
            throw error
        }
    }

    private static func tcpConnect(_ endpoint: SSHEndpoint) throws -> Int32 {
        do {
            return try TCPSocket.connect(address: endpoint.address, port: endpoint.port,
                                         timeoutMilliseconds: Int(endpoint.connectTimeout.milliseconds))
        } catch {
            throw TransportError.connectFailed(host: endpoint.name, address: endpoint.address, port: endpoint.port,
                                               reason: error.reason)
        }
    }

    /// Handshake, host key check, authentication on a connected socket.
    private static func establish(_ endpoint: SSHEndpoint, socket: Int32, deadline: Deadline,
                                  notices: inout [String]) throws -> (LibSSH2Session, String) {
        let knownHosts = KnownHostsVerifier.expand(endpoint.knownHostsFile)
        let recorded = endpoint.hostKeyPolicy == .insecureIgnore ? [] : KnownHostKeyTypes.recorded(
            in: (try? String(contentsOfFile: knownHosts, encoding: .utf8)) ?? "", address: endpoint.address, port: endpoint.port)
        let session = try LibSSH2Session(socket: socket, hostName: endpoint.name, address: endpoint.address, deadline: deadline,
                                         hostKeyPreference: KnownHostKeyTypes.preference(LibSSH2Session.hostKeyPreference,
                                                                                         recorded: recorded))
        do {
            let verifier = KnownHostsVerifier(file: endpoint.knownHostsFile, policy: endpoint.hostKeyPolicy)
            switch try verifier.verify(session, hostName: endpoint.name, address: endpoint.address, port: endpoint.port) {
            case .matched: break
            case let .recorded(line):
                notices.append("recorded the host key of \(endpoint.label) in \(endpoint.knownHostsFile): \(line)")
            case let .ignored(warning):
                notices.append(warning)
            }
            let accepted = try LibSSH2Authenticator(user: endpoint.user, identities: endpoint.identities)
                .authenticate(session, deadline: deadline)
            return (session, accepted)
        } catch {
            session.shutdown()
            throw error
        }
    }
}
