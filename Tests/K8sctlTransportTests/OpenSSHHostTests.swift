import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlTransport

/// The system `ssh` client path (ControlMaster), selected with `transport: openssh`.
struct OpenSSHHostTests {
    private func withOpenSSH(_ body: (any RemoteHost, TransportFixture) async throws -> Void) async throws {
        try await withFixture { fixture in
            let connector = HostConnector(settings: fixture.settings(transport: .openssh), environment: [:])
            let host = try await connector.connect(fixture.host)
            do { try await body(host, fixture) } catch { await host.close(); throw error }
            await host.close()
        }
    }

    @Test func statusStreamsAndLiteralArguments() async throws {
        try await withOpenSSH { host, _ in
            #expect(host.transportDescription == "openssh (ControlMaster; transport: openssh)")
            let result = try await host.run(RemoteCommand(["sh", "-c", "echo out; echo err >&2; exit 4"]))
            #expect(result.exitStatus == 4)
            #expect(result.stdout == "out\n")
            // sshd runs the command through the login shell, whose rc files may print first (CI's bash
            // sources a pyenv hook that warns on stderr): the command's own stderr is what comes last.
            #expect(result.stderr.hasSuffix("err\n") && !result.stderr.contains("out"), "\(result.stderr)")
            let tricky = "; $( ) ` | & > < \n 'q' \"d\" ünïcødé"
            #expect(try await host.run(RemoteCommand(["printf", "%s", tricky])).standardOutput == Array(tricky.utf8))
        }
    }

    @Test func killedRemoteProcess_isNotSuccess() async throws {
        try await withOpenSSH { host, _ in
            let result = try await host.run(RemoteCommand(["sh", "-c", "kill -KILL $$"]))
            #expect(!result.succeeded)
            #expect(result.exitStatus == 255)
        }
    }

    @Test func filesAndStdin_workOverTheMasterConnection() async throws {
        try await withOpenSSH { host, fixture in
            let root = try fixture.remoteDirectory()
            let files = (0..<20).map { NodeFile(path: "\(root)/f\($0)", text: "content \($0)", mode: 0o640) }
            #expect(try await host.writeFiles(files).allSatisfy { $0.change == .created })
            #expect(try await host.writeFiles(files).allSatisfy { $0.change == .unchanged })
            #expect(try await host.readFile("\(root)/f3") == Array("content 3".utf8))
        }
    }

    @Test func commandTimeout_isEnforced() async throws {
        try await withOpenSSH { host, _ in
            await #expect(throws: TransportError.self) {
                _ = try await host.run(RemoteCommand(["sleep", "30"], timeout: TimeSpan(milliseconds: 500)))
            }
            let after = try await host.run(RemoteCommand(["true"]))
            #expect(after.succeeded)
        }
    }
}
