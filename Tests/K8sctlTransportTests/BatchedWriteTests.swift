import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlTransport

/// The batched write path: a host's files as one tar stream to one remote program whose process
/// starts do not grow with the number of files.
struct BatchedWriteTests {
    @Test func mixedDirectoryModes_inOneWrite_createEachDirectoryWithItsOwnMode() async throws {
        try await withHost { host, fixture in
            let root = try fixture.remoteDirectory()
            // The secret directory's file comes first: the writer must still create the shared
            // parent with the wider mode.
            let writes = [
                FileWrite(file: NodeFile(path: root + "/kubernetes/pki/ca.key", text: "k", mode: 0o600), directoryMode: 0o700),
                FileWrite(file: NodeFile(path: root + "/kubernetes/admin.conf", text: "a", mode: 0o600), directoryMode: 0o755),
                FileWrite(file: NodeFile(path: root + "/kubernetes/manifests/etcd.yaml", text: "m", mode: 0o644), directoryMode: 0o755),
            ]
            let outcomes = try await host.writeFiles(writes)
            #expect(outcomes.map(\.path) == writes.map(\.file.path), "outcomes follow the order given")
            #expect(outcomes.allSatisfy { $0.change == .created })
            #expect(try mode(root + "/kubernetes") == 0o755)
            #expect(try mode(root + "/kubernetes/manifests") == 0o755)
            #expect(try mode(root + "/kubernetes/pki") == 0o700)
            #expect(try mode(root + "/kubernetes/pki/ca.key") == 0o600)
            #expect(try mode(root + "/kubernetes/manifests/etcd.yaml") == 0o644)
            #expect(try leftovers(root).isEmpty)
        }
    }

    @Test func unknownOwner_failsNamingTheFile_andChangesNothing() async throws {
        try await withHost { host, fixture in
            let root = try fixture.remoteDirectory()
            _ = try await host.writeFiles([NodeFile(path: root + "/kept.conf", text: "v1")])
            let files = [
                NodeFile(path: root + "/kept.conf", text: "v2"),
                NodeFile(path: root + "/etcd.env", content: Array("x".utf8), mode: 0o640, owner: "no-such-user-k8s", group: "root"),
            ]
            do {
                _ = try await host.writeFiles(files)
                Issue.record("expected a failure for an unknown account")
            } catch let TransportError.fileOperationFailed(_, _, reason) {
                #expect(reason.contains(root + "/etcd.env"), "\(reason)")
            }
            // Nothing renamed: the other file keeps its content; no staging directory is left.
            #expect(FileManager.default.contents(atPath: root + "/kept.conf") == Data("v1".utf8))
            #expect(!FileManager.default.fileExists(atPath: root + "/etcd.env"))
            #expect(try leftovers(root).isEmpty)
        }
    }

    @Test(arguments: [40, 130, 300])
    func longPaths_travelIntact(length: Int) async throws {
        try await withHost { host, fixture in
            let root = try fixture.remoteDirectory()
            // Path components of 20 characters up to about `length` bytes: ustar's name field,
            // its prefix split, and a pax header beyond 255 bytes.
            var path = root
            while path.utf8.count < length { path += "/" + String(repeating: "d", count: 19) }
            path += "/file name.conf"
            let content = Array("long \(length)\n".utf8)
            #expect(try await host.writeFiles([NodeFile(path: path, content: content, mode: 0o640)]).map(\.change) == [.created])
            #expect(FileManager.default.contents(atPath: path).map(Array.init) == content)
            #expect(try mode(path) == 0o640)
        }
    }

    /// The node's cost of a write must not grow with the number of files: the same process starts
    /// for 10 and for 100 files in the same directories, fresh and again.
    @Test func processStarts_onTheNode_doNotGrowWithTheFileCount() async throws {
        let shims = try ProcessShims()
        defer { shims.remove() }
        func counts(_ count: Int) async throws -> (fresh: [String: Int], again: [String: Int]) {
            let root = shims.directory.appendingPathComponent("root-\(count)").path
            let files = (0..<count).map { index in
                NodeFile(path: "\(root)/d\(index % 7)/f\(index).conf", text: String(repeating: "x", count: index + 1),
                         mode: index.isMultiple(of: 3) ? 0o600 : 0o644)
            }
            let host = LocalShellHost(path: shims.directory.path)
            shims.reset()
            let first = try await host.writeFiles(files)
            #expect(first.allSatisfy { $0.change == .created })
            let fresh = shims.counts()
            shims.reset()
            let second = try await host.writeFiles(files)
            #expect(second.allSatisfy { $0.change == .unchanged })
            for file in files { #expect(FileManager.default.contents(atPath: file.path).map(Array.init) == file.content) }
            return (fresh, shims.counts())
        }
        let ten = try await counts(10), hundred = try await counts(100)
        #expect(ten.fresh == hundred.fresh, "fresh: \(ten.fresh) vs \(hundred.fresh)")
        #expect(ten.again == hundred.again, "again: \(ten.again) vs \(hundred.again)")
        #expect(hundred.fresh["tar"] == 1 && hundred.fresh["mv"] == 7, "\(hundred.fresh)")
        #expect(hundred.again.values.reduce(0, +) <= 3, "a no-op write: \(hundred.again)")
    }

    /// The renames follow the order of the writes' directories, one `mv` per directory: a writer
    /// killed right after its first `mv` (a dropped connection's session torn down there) has put
    /// the first directory's file in place, whole, and left the second's staged; the next write
    /// into that directory removes the staging directory. `StateStore` relies on the order.
    @Test func writerKilledAfterItsFirstRename_hasRenamedOnlyTheFirstDirectory() async throws {
        let shims = try ProcessShims()
        defer { shims.remove() }
        let real = try #require(["/usr/bin/mv", "/bin/mv"].first(where: FileManager.default.isExecutableFile(atPath:)))
        let mv = shims.directory.appendingPathComponent("bin/mv")
        try FileManager.default.removeItem(at: mv)
        try "#!/bin/sh\n\(real) \"$@\" || exit 1\nkill -KILL $PPID\n".write(to: mv, atomically: true, encoding: .utf8)
        chmod(mv.path, 0o755)
        let root = shims.directory.appendingPathComponent("root").path
        let revision = NodeFile(path: "\(root)/revisions/7.yaml", text: "revision 7\n", mode: 0o600)
        let state = NodeFile(path: "\(root)/state.json", text: "{\"revision\": 7}\n", mode: 0o600)
        let host = LocalShellHost(path: shims.directory.path)
        await #expect(throws: TransportError.self) { _ = try await host.writeFiles([revision, state], directoryMode: 0o700) }
        #expect(FileManager.default.contents(atPath: revision.path).map(Array.init) == revision.content)
        #expect(!FileManager.default.fileExists(atPath: state.path))
        // Both staging directories stay (removed after the last `mv`); only the second holds a file.
        let left = try leftovers(root)
        #expect(left.count == 3 && left.filter { $0.split(separator: "/").last!.hasPrefix(".k8sctl-") }.count == 2
                && left.filter { $0.hasSuffix("/state.json") }.count == 1, "\(left)")

        try FileManager.default.removeItem(at: mv)
        try "#!/bin/sh\nexec \(real) \"$@\"\n".write(to: mv, atomically: true, encoding: .utf8)
        chmod(mv.path, 0o755)
        #expect(try await host.writeFiles([revision, state], directoryMode: 0o700).map(\.change) == [.unchanged, .created])
        #expect(try leftovers(root).isEmpty)
    }

    private func mode(_ path: String) throws -> UInt16 {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return UInt16((attributes[.posixPermissions] as? Int) ?? -1)
    }

    /// Staging directories or files left anywhere under `root`.
    private func leftovers(_ root: String) throws -> [String] {
        (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.contains(".k8sctl-") }
    }
}

/// Wrappers for the tools the remote programs start, each logging its name, on a PATH of their own.
final class ProcessShims: @unchecked Sendable {
    let directory: URL
    private let log: URL
    static let tools = ["sha256sum", "stat", "tar", "mv", "sync", "mkdir", "rmdir", "cat", "chown", "chmod", "cp", "rm"]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-shims-\(UUID().uuidString.prefix(8))")
        log = directory.appendingPathComponent("calls.log")
        let bin = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for tool in Self.tools {
            guard let real = ["/usr/bin/\(tool)", "/bin/\(tool)"].first(where: FileManager.default.isExecutableFile(atPath:)) else { continue }
            let shim = bin.appendingPathComponent(tool)
            try "#!/bin/sh\nprintf '%s\\n' \(tool) >> '\(log.path)'\nexec \(real) \"$@\"\n".write(to: shim, atomically: true, encoding: .utf8)
            chmod(shim.path, 0o755)
        }
    }

    var binPath: String { directory.appendingPathComponent("bin").path }
    func reset() { try? FileManager.default.removeItem(at: log) }
    func counts() -> [String: Int] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").reduce(into: [:]) { $0[String($1), default: 0] += 1 }
    }
    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Runs a remote command's argument vector on this machine with the shims first on PATH: the same
/// program and the same stdin stream the SSH transport sends, observable process by process.
struct LocalShellHost: RemoteHost {
    let path: String
    var name: String { "local" }
    var transportDescription: String { "local /bin/sh (test)" }

    func run(_ command: RemoteCommand) async throws -> CommandResult {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-stdin-\(UUID().uuidString)")
        try Data(command.standardInput ?? []).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command.shellText]
        process.environment = ["PATH": path + "/bin:/usr/bin:/bin", "LC_ALL": "C"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = try FileHandle(forReadingFrom: input)
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(exitStatus: process.terminationStatus, exitSignal: nil,
                             standardOutput: [UInt8](stdout), standardError: [UInt8](stderr))
    }

    func close() async {}
}
