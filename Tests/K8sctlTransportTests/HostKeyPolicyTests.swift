import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlTransport

/// known_hosts handling under each policy, against a real sshd's real host key.
struct HostKeyPolicyTests {
    @Test func unknownHost_underStrict_isRefused_withFingerprintAndAdvice() async throws {
        try await withFixture(trustHost: false) { fixture in
            do {
                _ = try await fixture.connect(policy: .strict)
                Issue.record("expected a refusal")
            } catch let error as TransportError {
                guard case .unknownHostKey(let host, _, _, let presented) = error else { Issue.record("\(error)"); return }
                #expect(host == "node1")
                #expect(presented == (try fixture.server.hostKeyFingerprint()))
                #expect(error.description.contains("accept-new"))
                #expect(error.description.contains("ssh-keyscan"))
            }
            #expect(!FileManager.default.fileExists(atPath: fixture.keys.knownHostsPath))
        }
    }

    @Test func unknownHost_underAcceptNew_isRecorded_andTrustedAfterwards() async throws {
        try await withFixture(trustHost: false) { fixture in
            let first = try await fixture.connect(policy: .acceptNew)
            #expect(first.notices.contains { $0.contains("recorded the host key") })
            await first.close()
            let recorded = try String(contentsOfFile: fixture.keys.knownHostsPath, encoding: .utf8)
            #expect(recorded == (try fixture.server.knownHostsLine()) + "\n")
            // OpenSSH itself accepts the recorded line.
            let check = try ProcessRunner.run("ssh-keygen", ["-F", "[127.0.0.1]:\(fixture.server.port)", "-f", fixture.keys.knownHostsPath])
            #expect(check.succeeded)
            let second = try await fixture.connect(policy: .strict)
            #expect(second.notices.isEmpty)
            await second.close()
        }
    }

    @Test(arguments: [SSHSettings.HostKeyPolicy.strict, .acceptNew])
    func changedHostKey_isRefused_showingBothFingerprintsAndTheLine(policy: SSHSettings.HostKeyPolicy) async throws {
        try await withFixture(trustHost: false) { fixture in
            let impostor = try fixture.keys.generate("ed25519", name: "old_host_key")
            let oldKey = try String(contentsOfFile: impostor + ".pub", encoding: .utf8).split(separator: " ")
            let line = "[127.0.0.1]:\(fixture.server.port) \(oldKey[0]) \(oldKey[1])"
            try "# comment\nother.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ0x7OhrF3A0bPKkd3MsXVOtIBvKwyP4nCnEFdzYlbf+\n\(line)\n"
                .write(toFile: fixture.keys.knownHostsPath, atomically: true, encoding: .utf8)
            do {
                _ = try await fixture.connect(policy: policy)
                Issue.record("expected a refusal")
            } catch let error as TransportError {
                guard case let .hostKeyMismatch(_, _, _, lineNumber, knownLine, expected, presented) = error else {
                    Issue.record("\(error)"); return
                }
                #expect(expected == (try TestSSHServer.fingerprint(ofPublicKey: impostor + ".pub")))
                #expect(presented == (try fixture.server.hostKeyFingerprint()))
                #expect(lineNumber == 3)
                #expect(knownLine == line)
                #expect(error.description.contains(expected) && error.description.contains(presented))
            }
            // Nothing was appended.
            #expect(try String(contentsOfFile: fixture.keys.knownHostsPath, encoding: .utf8).split(separator: "\n").count == 3)
        }
    }

    @Test func hashedKnownHostsEntry_matches() async throws {
        try await withFixture { fixture in
            #expect(try ProcessRunner.run("ssh-keygen", ["-H", "-f", fixture.keys.knownHostsPath]).succeeded)
            #expect(!(try String(contentsOfFile: fixture.keys.knownHostsPath, encoding: .utf8)).contains("127.0.0.1"))
            let host = try await fixture.connect(policy: .strict)
            await host.close()
        }
    }

    @Test func insecureIgnore_connects_andWarns() async throws {
        try await withFixture(trustHost: false) { fixture in
            let host = try await fixture.connect(policy: .insecureIgnore)
            #expect(host.notices.contains { $0.hasPrefix("WARNING: host key of node1") && $0.contains("NOT verified") })
            #expect(!FileManager.default.fileExists(atPath: fixture.keys.knownHostsPath))
            await host.close()
        }
    }

    @Test func unknownHost_underStrict_isRefusedByTheOpenSSHPathToo() async throws {
        try await withFixture(trustHost: false) { fixture in
            let connector = HostConnector(settings: fixture.settings(transport: .openssh), environment: [:])
            do {
                _ = try await connector.connect(fixture.host)
                Issue.record("expected a refusal")
            } catch let error as TransportError {
                guard case .openSSHFailed = error else { Issue.record("\(error)"); return }
                #expect(error.description.contains("Host key verification failed"))
            }
        }
    }
}
