import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlTransport

/// Commands over a real libssh2 session to a real sshd on loopback.
struct CommandExecutionTests {
    @Test func exitStatus_andSeparateStreams_areReported() async throws {
        try await withHost { host, _ in
            let result = try await host.run(RemoteCommand(["sh", "-c", "echo out; echo err >&2; exit 3"]))
            #expect(result.exitStatus == 3)
            #expect(result.exitSignal == nil)
            #expect(result.stdout == "out\n")
            // sshd runs the command through the login shell, whose rc files may print first (CI's bash
            // sources a pyenv hook that warns on stderr): the command's own stderr is what comes last.
            #expect(result.stderr.hasSuffix("err\n") && !result.stderr.contains("out"), "\(result.stderr)")
            #expect(!result.succeeded)
        }
    }

    @Test func killedProcess_reportsTheSignal_notSuccess() async throws {
        try await withHost { host, _ in
            let result = try await host.run(RemoteCommand(["sh", "-c", "kill -KILL $$"]))
            #expect(result.exitSignal == "KILL")
            #expect(!result.succeeded)
        }
    }

    @Test func argumentsWithShellMetacharacters_arriveLiterally() async throws {
        try await withHost { host, _ in
            let tricky = "; $( ) ` | & > < \n 'single' \"double\" ünïcødé ✓ \\ * ~ #"
            let result = try await host.run(RemoteCommand(["printf", "%s", tricky]))
            #expect(result.succeeded)
            #expect(result.standardOutput == Array(tricky.utf8))
            // Nothing ran: a `touch` hidden in an argument must not create a file.
            let marker = "/tmp/k8sctl-injection-\(UUID().uuidString)"
            _ = try await host.run(RemoteCommand(["echo", "$(touch \(marker))", "; touch \(marker)"]))
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
    }

    @Test func largeStdoutAndStderrTogether_doNotStall() async throws {
        try await withHost { host, _ in
            // 3 MB to stderr before any stdout: a reader draining only stdout would deadlock here.
            let script = "head -c 3000000 /dev/zero | tr '\\0' e >&2; head -c 3000000 /dev/zero | tr '\\0' o"
            let result = try await host.run(RemoteCommand(["sh", "-c", script], timeout: .seconds(60)))
            #expect(result.succeeded)
            // The login shell's rc files may print first (see `exitStatus_andSeparateStreams_areReported`):
            // the command's own 3 MB are what comes last, after a line end or nothing.
            let before = result.standardError.dropLast(3_000_000)
            #expect(result.standardError.count >= 3_000_000)
            #expect(before.isEmpty || before.last == UInt8(ascii: "\n"), "\(String(decoding: before.suffix(200), as: UTF8.self))")
            #expect(result.standardOutput.count == 3_000_000)
            #expect(result.standardError.suffix(3_000_000).allSatisfy { $0 == UInt8(ascii: "e") })
            #expect(result.standardOutput.allSatisfy { $0 == UInt8(ascii: "o") })
        }
    }

    @Test func largeStdin_isDeliveredWhileOutputIsRead() async throws {
        try await withHost { host, _ in
            let input = (0..<4_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let result = try await host.run(RemoteCommand(["cat"], standardInput: input, timeout: .seconds(60)))
            #expect(result.succeeded)
            #expect(result.standardOutput == input)
        }
    }

    @Test func commandTimeout_isEnforced_andTheSessionStaysUsable() async throws {
        try await withHost { host, _ in
            // The error is the timeout itself (not the end of `sleep 30`): no wall-clock bound, which a
            // loaded test machine would make flaky.
            do {
                _ = try await host.run(RemoteCommand(["sleep", "30"], timeout: TimeSpan(milliseconds: 500)))
                Issue.record("sleep 30 finished despite a 0.5 s timeout")
            } catch let error as TransportError {
                guard case .commandTimedOut = error else { Issue.record("not a timeout: \(error)"); return }
            }
            let after = try await host.run(RemoteCommand(["echo", "still here"]))
            #expect(after.stdout == "still here\n")
        }
    }

    @Test func timeoutError_namesHostCommandAndLimit() async throws {
        try await withHost { host, _ in
            do {
                _ = try await host.run(RemoteCommand(["sleep", "30"], timeout: TimeSpan(milliseconds: 300)))
                Issue.record("expected a timeout")
            } catch let error as TransportError {
                guard case .commandTimedOut(let name, let command, _) = error else { Issue.record("\(error)"); return }
                #expect(name == "node1")
                #expect(command == "sleep 30")
                #expect(error.description.contains("0.3 s"))
            }
        }
    }

    @Test func oneSession_runsManyCommands() async throws {
        try await withHost { host, _ in
            for index in 0..<20 {
                let result = try await host.run(RemoteCommand(["echo", String(index)]))
                #expect(result.stdout == "\(index)\n")
            }
            #expect(host.transportDescription.hasPrefix("libssh2 ("))
            #expect(host.transportDescription.contains("curve25519-sha256"))
        }
    }

    @Test func closedHost_refusesCommands() async throws {
        try await withHost { host, _ in
            await host.close()
            await #expect(throws: (any Error).self) { _ = try await host.run(RemoteCommand(["true"])) }
        }
    }
}
