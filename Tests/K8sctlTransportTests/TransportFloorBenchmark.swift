import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlTransport

/// Figures for the transport's cost floor, printed (never asserted: timing depends on the machine).
/// Runs only with K8SCTL_BENCH=1 (see bench/ssh-floor.sh).
struct TransportFloorBenchmark {
    static let enabled = ProcessInfo.processInfo.environment["K8SCTL_BENCH"] == "1"
    static let hosts = Int(ProcessInfo.processInfo.environment["K8SCTL_BENCH_HOSTS"] ?? "") ?? 50

    @Test(.enabled(if: TransportFloorBenchmark.enabled))
    func libssh2_connectCommandAndNoOpWrite_onManyConnections() async throws {
        try await withFixture { fixture in
            let root = try fixture.remoteDirectory()
            let files = (0..<30).map { NodeFile(path: "\(root)/etc/kubernetes/f\($0).conf", text: String(repeating: "x", count: 4000), mode: 0o600) }
            let clock = ContinuousClock()
            var connected: [LibSSH2Host] = []
            let connect = try await clock.measure {
                connected = try await withThrowingTaskGroup(of: LibSSH2Host.self) { group in
                    for index in 0..<Self.hosts {
                        group.addTask {
                            let host = try await LibSSH2Host.connect(fixture.endpoint(name: "n\(index)"))
                            _ = try await host.run(RemoteCommand(["true"]))
                            return host
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            let later = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for host in connected { group.addTask { #expect(try await host.run(RemoteCommand(["true"])).succeeded) } }
                    try await group.waitForAll()
                }
            }
            _ = try await connected[0].writeFiles(files)
            let noOp = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for host in connected {
                        group.addTask { #expect(try await host.writeFiles(files).allSatisfy { !$0.isChanged }) }
                    }
                    try await group.waitForAll()
                }
            }
            let sums = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for host in connected {
                        group.addTask { #expect(try await host.checksums(files.map(\.path)).count == files.count) }
                    }
                    try await group.waitForAll()
                }
            }
            for host in connected { await host.close() }
            print("""
            [bench] libssh2, \(Self.hosts) concurrent connections to one loopback sshd:
            [bench]   connect+handshake+auth+first command: \(connect)
            [bench]   one more command on every host:       \(later)
            [bench]   no-op writeFiles (30 files x 4 KB):   \(noOp)
            [bench]   checksums of 30 files:                \(sums)
            """)
        }
    }
}
