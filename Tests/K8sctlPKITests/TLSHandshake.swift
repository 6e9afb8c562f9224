import Foundation
import K8sctlTestSupport

/// A real mutual-TLS handshake between `openssl s_server` (requiring a client certificate) and
/// `openssl s_client` on 127.0.0.1.
enum TLSHandshake {
    struct Outcome { var succeeded: Bool; var log: String }

    static func run(serverCertificate: URL, serverKey: URL, clientAuthority: URL, clientCertificate: URL,
                    clientKey: URL, serverAuthority: URL, serverName: String) throws -> Outcome {
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            server.arguments = ["openssl", "s_server", "-accept", "127.0.0.1:\(port)", "-naccept", "1",
                                "-cert", serverCertificate.path, "-key", serverKey.path,
                                "-CAfile", clientAuthority.path, "-Verify", "1", "-verify_return_error", "-quiet"]
            let serverOutput = Pipe()
            server.standardOutput = serverOutput
            server.standardError = serverOutput
            server.standardInput = Pipe()
            try server.run()
            defer { if server.isRunning { server.terminate() }; server.waitUntilExit() }
            var client: ProcessOutput?
            for _ in 0..<40 {
                Thread.sleep(forTimeInterval: 0.05)
                guard server.isRunning else { break }
                client = try ProcessRunner.run("openssl", [
                    "s_client", "-connect", "127.0.0.1:\(port)", "-CAfile", serverAuthority.path,
                    "-cert", clientCertificate.path, "-key", clientKey.path,
                    "-verify_return_error", "-verify_hostname", serverName, "-servername", serverName],
                    stdin: "")
                if let output = client, !output.stderr.contains("Connection refused"),
                   !output.stderr.contains("connect:errno") { break }
            }
            guard let client else {
                // Port taken by someone else: try another.
                continue
            }
            // TLS 1.3 reports the client-certificate rejection after the handshake: the server's
            // verdict decides, read from its exit and output.
            if server.isRunning { Thread.sleep(forTimeInterval: 0.2) }
            if server.isRunning { server.terminate() }
            server.waitUntilExit()
            let serverLog = String(decoding: serverOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let clientVerified = client.stdout.contains("Verify return code: 0 (ok)")
            let serverRejected = serverLog.lowercased().contains("error") || serverLog.contains("alert")
            return Outcome(succeeded: client.succeeded && clientVerified && !serverRejected,
                           log: "client:\n\(client.stdout)\(client.stderr)\nserver:\n\(serverLog)")
        }
        return Outcome(succeeded: false, log: "no free port found")
    }
}
