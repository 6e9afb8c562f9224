import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real OpenSSH server on 127.0.0.1 for transport tests: its own temp directory with an
/// sshd_config, a host key and an authorized_keys file, started detached with `setsid` on a free
/// port. Use ``withServer(_:_:)`` so it is stopped even when the test fails.
public final class TestSSHServer: @unchecked Sendable {
    public let directory: URL
    public private(set) var port: Int = 0
    public let address: String
    /// `<dir>/host_key.pub`, the key the server presents.
    public var hostPublicKeyPath: String { directory.appendingPathComponent("host_key.pub").path }
    public var authorizedKeysPath: String { directory.appendingPathComponent("authorized_keys").path }
    public var logPath: String { directory.appendingPathComponent("sshd.log").path }
    private var pid: pid_t?

    public struct Options: Sendable {
        public var hostKeyType: String = "ed25519"
        public var listenAddress: String = "127.0.0.1"
        /// sshd LogLevel (DEBUG1 logs forwarding requests, which the bastion test reads).
        public var logLevel: String = "ERROR"
        public var extraConfig: [String] = []
        public init() {}
    }

    /// Starts a server (retrying on another port if the chosen one was taken meanwhile).
    public init(_ options: Options = Options()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-sshd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        address = options.listenAddress
        // sshd refuses to start without its privilege separation directory.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o755])
        let hostKey = directory.appendingPathComponent("host_key").path
        try TestSSHServer.check(ProcessRunner.run("ssh-keygen", ["-q", "-t", options.hostKeyType, "-N", "", "-C", "test-host", "-f", hostKey]))
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("authorized_keys").path, contents: Data())
        var lastError = ""
        for _ in 0..<5 {
            let candidate = TestSSHServer.freePort(options.listenAddress)
            let config = directory.appendingPathComponent("sshd_config").path
            let lines = [
                "Port \(candidate)", "ListenAddress \(options.listenAddress)", "HostKey \(hostKey)",
                "AuthorizedKeysFile \(directory.appendingPathComponent("authorized_keys").path)",
                "PidFile \(directory.appendingPathComponent("sshd.pid").path)",
                "StrictModes no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes", "PermitRootLogin prohibit-password", "UsePAM no",
                "AllowTcpForwarding yes", "MaxSessions 200", "MaxStartups 200", "LogLevel \(options.logLevel)",
                "Subsystem sftp internal-sftp",
            ] + options.extraConfig
            try lines.joined(separator: "\n").appending("\n").write(toFile: config, atomically: true, encoding: .utf8)
            // setsid: the daemon must not share the test's process group (a group kill would take it down
            // mid-test, and it must outlive nothing but this object).
            let log = directory.appendingPathComponent("sshd.log").path
            // The daemon must not inherit the runner's pipes (their reader would wait for it to exit).
            let started = try ProcessRunner.run("/bin/sh", ["-c", "exec setsid /usr/sbin/sshd -f \"$0\" -E \"$1\" </dev/null >/dev/null 2>&1",
                                                            config, log])
            if started.succeeded, let daemon = TestSSHServer.waitForPid(directory), TestSSHServer.waitUntilListening(options.listenAddress, candidate) {
                pid = daemon
                port = candidate
                return
            }
            lastError = started.stderr + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
            if let daemon = TestSSHServer.waitForPid(directory) { kill(daemon, SIGTERM) }
        }
        throw TestServerError(message: "sshd did not start: \(lastError)")
    }

    deinit { stop() }

    /// Runs `body` with a started server and stops it afterwards, whatever happens.
    public static func withServer<T>(_ options: Options = Options(), _ body: (TestSSHServer) async throws -> T) async throws -> T {
        let server = try TestSSHServer(options)
        defer { server.stop() }
        return try await body(server)
    }

    /// Stops the daemon and removes its directory.
    public func stop() {
        if let pid { kill(pid, SIGTERM) }
        pid = nil
        try? FileManager.default.removeItem(at: directory)
    }

    /// Appends `publicKeyPath`'s key to authorized_keys.
    public func authorize(publicKeyPath: String) throws {
        let key = try String(contentsOfFile: publicKeyPath, encoding: .utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: authorizedKeysPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(key.utf8))
        try handle.close()
    }

    /// A known_hosts line for this server (`[127.0.0.1]:PORT ssh-ed25519 AAAA…`).
    public func knownHostsLine() throws -> String {
        let parts = try String(contentsOfFile: hostPublicKeyPath, encoding: .utf8).split(separator: " ")
        return "[\(address)]:\(port) \(parts[0]) \(parts[1])"
    }

    /// The server key's fingerprint as `ssh-keygen -l` prints it (`SHA256:…`).
    public func hostKeyFingerprint() throws -> String {
        try TestSSHServer.fingerprint(ofPublicKey: hostPublicKeyPath)
    }

    public static func fingerprint(ofPublicKey path: String) throws -> String {
        let output = try ProcessRunner.run("ssh-keygen", ["-l", "-E", "sha256", "-f", path])
        try check(output)
        return String(output.stdout.split(separator: " ")[1])
    }

    private static func waitForPid(_ directory: URL) -> pid_t? {
        let path = directory.appendingPathComponent("sshd.pid").path
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let value = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return value }
            usleep(20_000)
        }
        return nil
    }

    static func check(_ output: ProcessOutput) throws {
        guard output.succeeded else { throw TestServerError(message: output.stderr) }
    }

    /// A port the kernel just handed out on `address` (closed again before sshd binds it).
    static func freePort(_ address: String) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        inet_pton(AF_INET, address, &addr.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func waitUntilListening(_ address: String, _ port: Int) -> Bool {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, address, &addr.sin_addr)
            let connected = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(fd)
            if connected == 0 { return true }
            usleep(20_000)
        }
        return false
    }
}

public struct TestServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Client key pairs and an ssh-agent for transport tests, in a temp directory removed by ``cleanUp()``.
public final class TestSSHKeys: @unchecked Sendable {
    public let directory: URL
    private var agentPid: pid_t?

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-keys-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    deinit { cleanUp() }

    /// Generates a key (`ed25519`, `ecdsa`, `rsa`) in OpenSSH format; returns the private key path
    /// (the public key is the same path + `.pub`).
    public func generate(_ type: String, name: String? = nil, passphrase: String = "") throws -> String {
        let path = directory.appendingPathComponent(name ?? "id_\(type)").path
        var arguments = ["-q", "-t", type, "-N", passphrase, "-C", "k8sctl-test-\(type)", "-f", path]
        if type == "rsa" { arguments += ["-b", "3072"] }
        try TestSSHServer.check(ProcessRunner.run("ssh-keygen", arguments))
        return path
    }

    /// A known_hosts path in this directory (not created).
    public var knownHostsPath: String { directory.appendingPathComponent("known_hosts").path }

    /// Starts an ssh-agent on a socket in this directory holding `keys`; returns the socket path.
    public func startAgent(with keys: [String]) throws -> String {
        let socket = directory.appendingPathComponent("agent.sock").path
        let output = directory.appendingPathComponent("agent.env").path
        try TestSSHServer.check(ProcessRunner.run("/bin/sh", ["-c", "exec setsid ssh-agent -s -a \"$0\" </dev/null >\"$1\" 2>&1",
                                                              socket, output]))
        let started = try String(contentsOfFile: output, encoding: .utf8)
        if let range = started.range(of: "SSH_AGENT_PID="),
           let pid = pid_t(started[range.upperBound...].prefix { $0.isNumber }) {
            agentPid = pid
        }
        for key in keys {
            try TestSSHServer.check(ProcessRunner.run("ssh-add", ["-q", key], environment: ["SSH_AUTH_SOCK": socket]))
        }
        return socket
    }

    public func cleanUp() {
        if let agentPid { kill(agentPid, SIGTERM) }
        agentPid = nil
        try? FileManager.default.removeItem(at: directory)
    }
}
