import Foundation
import K8sctlModel
import K8sctlTestSupport
@testable import K8sctlTransport

/// A started sshd, a client key it accepts, and a known_hosts file that already trusts it.
final class TransportFixture: @unchecked Sendable {
    let server: TestSSHServer
    let keys: TestSSHKeys
    let keyPath: String

    init(keyType: String = "ed25519", passphrase: String = "", trustHost: Bool = true,
         server options: TestSSHServer.Options = TestSSHServer.Options()) throws {
        server = try TestSSHServer(options)
        keys = try TestSSHKeys()
        keyPath = try keys.generate(keyType, passphrase: passphrase)
        try server.authorize(publicKeyPath: keyPath + ".pub")
        if trustHost { try (server.knownHostsLine() + "\n").write(toFile: keys.knownHostsPath, atomically: true, encoding: .utf8) }
    }

    deinit { stop() }

    func stop() {
        server.stop()
        keys.cleanUp()
    }

    func endpoint(name: String = "node1", identities: [SSHIdentity]? = nil,
                  policy: SSHSettings.HostKeyPolicy = .strict) -> SSHEndpoint {
        SSHEndpoint(name: name, address: server.address, port: server.port, user: "root",
                    identities: identities ?? [.keyFile(path: keyPath, passphrase: nil)],
                    knownHostsFile: keys.knownHostsPath, hostKeyPolicy: policy, connectTimeout: .seconds(10))
    }

    func connect(policy: SSHSettings.HostKeyPolicy = .strict, commandTimeout: TimeSpan? = .seconds(60)) async throws -> LibSSH2Host {
        try await LibSSH2Host.connect(endpoint(policy: policy), commandTimeout: commandTimeout)
    }

    /// SSH settings for ``HostConnector`` pointing at this server.
    func settings(identityFile: String? = nil, transport: SSHTransportKind = .auto) -> SSHSettings {
        SSHSettings(user: "root", port: server.port, identityFile: identityFile ?? keyPath, knownHosts: keys.knownHostsPath,
                    hostKeyPolicy: .strict, transport: transport, connectTimeout: .seconds(10), commandTimeout: .seconds(60))
    }

    var host: K8sctlModel.Host {
        K8sctlModel.Host(name: "node1", address: IPAddress(server.address)!, roles: [.worker])
    }

    /// A scratch directory on the "remote" side (the same machine), removed with the fixture's keys.
    func remoteDirectory() throws -> String {
        let path = keys.directory.appendingPathComponent("remote-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Runs `body` with a fixture, stopping its sshd afterwards even when the body throws.
func withFixture<T>(keyType: String = "ed25519", passphrase: String = "", trustHost: Bool = true,
                    server options: TestSSHServer.Options = TestSSHServer.Options(),
                    _ body: (TransportFixture) async throws -> T) async throws -> T {
    let fixture = try TransportFixture(keyType: keyType, passphrase: passphrase, trustHost: trustHost, server: options)
    defer { fixture.stop() }
    return try await body(fixture)
}

/// Runs `body` with a connected libssh2 host, closing it and the server afterwards.
func withHost<T>(_ body: (LibSSH2Host, TransportFixture) async throws -> T) async throws -> T {
    try await withFixture { fixture in
        let host = try await fixture.connect()
        do {
            let value = try await body(host, fixture)
            await host.close()
            return value
        } catch {
            await host.close()
            throw error
        }
    }
}
