import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlTransport
#if canImport(Glibc)
import Glibc
#endif

/// Reaching nothing, or something that never speaks SSH, fails in bounded time with the host named.
struct ConnectTimeoutTests {
    private func endpoint(port: Int, timeout: TimeSpan) -> SSHEndpoint {
        SSHEndpoint(name: "cp1", address: "127.0.0.1", port: port, identities: [], knownHostsFile: "/dev/null",
                    connectTimeout: timeout)
    }

    @Test func nothingListening_isAConnectError_namingHostAndPort() async throws {
        let port = TestSSHServerPorts.unused()
        do {
            _ = try await LibSSH2Host.connect(endpoint(port: port, timeout: .seconds(5)))
            Issue.record("expected a failure")
        } catch let error as TransportError {
            guard case let .connectFailed(host, address, failedPort, _) = error else { Issue.record("\(error)"); return }
            #expect(host == "cp1" && address == "127.0.0.1" && failedPort == port)
            #expect(error.description.contains("127.0.0.1:\(port)"))
        }
    }

    @Test func serverThatNeverSpeaksSSH_timesOutAtTheConnectTimeout() async throws {
        // A socket in listen state: the kernel completes the TCP handshake, nobody ever answers.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        #expect(listen(fd, 4) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let started = ContinuousClock.now
        do {
            _ = try await LibSSH2Host.connect(endpoint(port: port, timeout: TimeSpan(milliseconds: 700)))
            Issue.record("expected a timeout")
        } catch let error as TransportError {
            guard case let .handshakeFailed(host, _, reason) = error else { Issue.record("\(error)"); return }
            #expect(host == "cp1")
            #expect(reason == "timed out")
        }
        // It waited for the timeout rather than failing at once. No upper bound: under a loaded test
        // run the thread that reports the timeout can be scheduled seconds late (no timing assertions).
        let elapsed = started.duration(to: .now)
        #expect(elapsed >= .milliseconds(600))
    }
}

enum TestSSHServerPorts {
    /// A port nothing listens on (bound, then released).
    static func unused() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
