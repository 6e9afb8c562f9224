import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlTransport

/// Key files, passphrases, ssh-agent and the RSA → OpenSSH route, against a real sshd.
struct AuthenticationTests {
    @Test(arguments: ["ed25519", "ecdsa"])
    func keyFile_authenticates(keyType: String) async throws {
        try await withFixture(keyType: keyType) { fixture in
            let host = try await fixture.connect()
            let result = try await host.run(RemoteCommand(["id", "-un"]))
            #expect(result.stdout == "root\n")
            #expect(host.transportDescription.contains("(\(keyType))"))
            await host.close()
        }
    }

    @Test func encryptedKey_withPassphrase_authenticates() async throws {
        try await withFixture(passphrase: "correct horse") { fixture in
            let endpoint = fixture.endpoint(identities: [.keyFile(path: fixture.keyPath, passphrase: "correct horse")])
            let host = try await LibSSH2Host.connect(endpoint)
            #expect(try await host.run(RemoteCommand(["true"])).succeeded)
            await host.close()
        }
    }

    @Test func encryptedKey_withWrongPassphrase_saysSo() async throws {
        try await withFixture(passphrase: "correct horse") { fixture in
            let endpoint = fixture.endpoint(identities: [.keyFile(path: fixture.keyPath, passphrase: "wrong")])
            do {
                _ = try await LibSSH2Host.connect(endpoint)
                Issue.record("expected a refusal")
            } catch let error as TransportError {
                guard case .keyFileUnusable(let path, _) = error else { Issue.record("\(error)"); return }
                #expect(path == fixture.keyPath)
                #expect(error.description.contains("passphrase"))
            }
        }
    }

    @Test func keyNotAuthorized_isRefused_namingUserAndHost() async throws {
        try await withFixture { fixture in
            let stranger = try fixture.keys.generate("ed25519", name: "stranger")
            do {
                _ = try await LibSSH2Host.connect(fixture.endpoint(identities: [.keyFile(path: stranger, passphrase: nil)]))
                Issue.record("expected a refusal")
            } catch let error as TransportError {
                guard case .authenticationFailed(let host, let user, let tried, _) = error else { Issue.record("\(error)"); return }
                #expect(host == "node1")
                #expect(user == "root")
                #expect(tried.count == 1)
            }
        }
    }

    @Test func sshAgent_authenticates() async throws {
        try await withFixture { fixture in
            let socket = try fixture.keys.startAgent(with: [fixture.keyPath])
            let host = try await LibSSH2Host.connect(fixture.endpoint(identities: [.agent(socket: socket)]))
            #expect(try await host.run(RemoteCommand(["true"])).succeeded)
            #expect(host.transportDescription.contains("agent key"))
            await host.close()
        }
    }

    @Test func connector_usesAgentFromEnvironment_whenNoKeyFileIsSet() async throws {
        try await withFixture { fixture in
            let socket = try fixture.keys.startAgent(with: [fixture.keyPath])
            var settings = fixture.settings()
            settings.identityFile = nil
            let connector = HostConnector(settings: settings,
                                          environment: ["SSH_AUTH_SOCK": socket, "HOME": fixture.keys.directory.path])
            let host = try await connector.connect(fixture.host)
            #expect(host.transportDescription.hasPrefix("libssh2"))
            #expect(try await host.run(RemoteCommand(["true"])).succeeded)
            await host.close()
        }
    }

    @Test func rsaKey_underAuto_goesThroughOpenSSH_andWorks() async throws {
        try await withFixture(keyType: "rsa") { fixture in
            let connector = HostConnector(settings: fixture.settings(), environment: [:])
            let host = try await connector.connect(fixture.host)
            #expect(host.transportDescription.hasPrefix("openssh (ControlMaster; RSA key"))
            let result = try await host.run(RemoteCommand(["printf", "%s", "it's $(fine)"]))
            #expect(result.stdout == "it's $(fine)")
            await host.close()
        }
    }

    @Test func rsaKey_underLibssh2_isRefusedWithAdvice() async throws {
        try await withFixture(keyType: "rsa") { fixture in
            let connector = HostConnector(settings: fixture.settings(transport: .libssh2), environment: [:])
            do {
                _ = try await connector.connect(fixture.host)
                Issue.record("expected a refusal")
            } catch let error as TransportError {
                guard case .rsaKeyNeedsOpenSSH = error else { Issue.record("\(error)"); return }
                #expect(error.description.contains("transport: openssh"))
            }
        }
    }

    @Test func rsaAgentKey_underAuto_fallsBackToOpenSSH() async throws {
        try await withFixture(keyType: "rsa") { fixture in
            let socket = try fixture.keys.startAgent(with: [fixture.keyPath])
            var settings = fixture.settings()
            settings.identityFile = nil
            let connector = HostConnector(settings: settings,
                                          environment: ["SSH_AUTH_SOCK": socket, "HOME": fixture.keys.directory.path])
            let host = try await connector.connect(fixture.host)
            #expect(host.transportDescription.hasPrefix("openssh"))
            #expect(try await host.run(RemoteCommand(["true"])).succeeded)
            await host.close()
        }
    }

    @Test(arguments: [("ed25519", PrivateKeyKind.ed25519), ("ecdsa", .ecdsa), ("rsa", .rsa)])
    func keyKind_isReadWithoutDecrypting(type: String, kind: PrivateKeyKind) throws {
        let keys = try TestSSHKeys()
        defer { keys.cleanUp() }
        let path = try keys.generate(type, passphrase: "secret")
        #expect(PrivateKeyKind.detect(try String(contentsOfFile: path, encoding: .utf8)) == kind)
    }
}
