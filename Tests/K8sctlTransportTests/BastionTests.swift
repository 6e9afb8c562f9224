import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlTransport

/// Connections through a jump host: a second real sshd forwards a direct-tcpip channel.
struct BastionTests {
    private func withBastion(permitOpen: String? = nil,
                             _ body: (TransportFixture, TestSSHServer) async throws -> Void) async throws {
        try await withFixture { target in
            var options = TestSSHServer.Options()
            options.logLevel = "DEBUG1"
            if let permitOpen { options.extraConfig = ["PermitOpen \(permitOpen)"] }
            try await TestSSHServer.withServer(options) { bastion in
                try bastion.authorize(publicKeyPath: target.keyPath + ".pub")
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target.keys.knownHostsPath))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((try bastion.knownHostsLine() + "\n").utf8))
                try handle.close()
                try await body(target, bastion)
            }
        }
    }

    private func bastionEndpoint(_ bastion: TestSSHServer, _ target: TransportFixture) -> SSHEndpoint {
        SSHEndpoint(name: "bastion", address: bastion.address, port: bastion.port, user: "root",
                    identities: [.keyFile(path: target.keyPath, passphrase: nil)],
                    knownHostsFile: target.keys.knownHostsPath, hostKeyPolicy: .strict, connectTimeout: .seconds(10))
    }

    @Test func libssh2_reachesTheHostThroughTheBastion() async throws {
        try await withBastion { target, bastion in
            let host = try await LibSSH2Host.connect(target.endpoint(), through: bastionEndpoint(bastion, target))
            #expect(host.transportDescription.contains("via bastion 127.0.0.1:\(bastion.port)"))
            for _ in 0..<3 {
                let result = try await host.run(RemoteCommand(["sh", "-c", "echo $SSH_CONNECTION"]))
                #expect(result.stdout.hasSuffix(" \(target.server.port)\n"))
            }
            // Large transfers go through the pump too.
            let payload = [UInt8](repeating: 7, count: 2_000_000)
            #expect(try await host.run(RemoteCommand(["cat"], standardInput: payload)).standardOutput == payload)
            await host.close()
            // The bastion forwarded the channel (its sshd logs the direct-tcpip request).
            let log = try String(contentsOfFile: bastion.logPath, encoding: .utf8)
            #expect(log.contains("direct-tcpip") && log.contains("port \(target.server.port)"))
        }
    }

    @Test func bastionRefusingTheForward_isATunnelError() async throws {
        try await withBastion(permitOpen: "127.0.0.1:1") { target, bastion in
            do {
                _ = try await LibSSH2Host.connect(target.endpoint(), through: bastionEndpoint(bastion, target))
                Issue.record("expected a refusal")
            } catch let error as TransportError {
                guard case .tunnelFailed(let host, _, _) = error else { Issue.record("\(error)"); return }
                #expect(host == "node1")
            }
        }
    }

    @Test func openSSH_reachesTheHostThroughTheBastion() async throws {
        try await withBastion { target, bastion in
            let host = try await OpenSSHHost.connect(target.endpoint(), through: bastionEndpoint(bastion, target),
                                                     controlDirectory: HostConnector.processControlDirectory,
                                                     reason: "test")
            let result = try await host.run(RemoteCommand(["echo", "through"]))
            #expect(result.stdout == "through\n")
            await host.close()
            let log = try String(contentsOfFile: bastion.logPath, encoding: .utf8)
            #expect(log.contains("port \(target.server.port)"))
        }
    }
}
