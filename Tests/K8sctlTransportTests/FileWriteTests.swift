import Foundation
import K8sctlModel
import K8sctlTestSupport
import Testing
@testable import K8sctlTransport

/// `writeFiles`, `readFile` and `checksums` through a real sshd onto this machine's file system.
struct FileWriteTests {
    @Test func newSecretFile_isCreatedWithModeOwnerAndContent() async throws {
        try await withHost { host, fixture in
            let directory = try fixture.remoteDirectory() + "/pki/nested"
            let file = NodeFile(path: directory + "/apiserver.key", content: Array("secret\n".utf8), mode: 0o600,
                                owner: "nobody", group: "nogroup", isSecret: true)
            let outcomes = try await host.writeFiles([file], directoryMode: 0o700)
            #expect(outcomes == [FileWriteOutcome(path: file.path, change: .created)])
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect((attributes[.ownerAccountID] as? Int) == 65534)
            #expect((attributes[.groupOwnerAccountID] as? Int) == 65534)
            #expect(FileManager.default.contents(atPath: file.path) == Data("secret\n".utf8))
            let parent = try FileManager.default.attributesOfItem(atPath: directory)
            #expect((parent[.posixPermissions] as? Int) == 0o700)
            // No temp file left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["apiserver.key"])
        }
    }

    @Test func secretFile_isNeverVisibleWithAWiderMode_whileBeingWritten() async throws {
        try await withHost { host, fixture in
            let directory = try fixture.remoteDirectory()
            // Big enough that the temp file exists for a while; a watcher stats every entry it sees.
            let content = [UInt8](repeating: 0x41, count: 48 << 20)
            let file = NodeFile(path: directory + "/big.key", content: content, mode: 0o400, isSecret: true)
            let watcher = DirectoryModeWatcher(directory: directory)
            watcher.start()
            _ = try await host.writeFiles([file])
            let seen = watcher.stop()
            #expect(!seen.isEmpty, "the watcher never saw the file; the test proves nothing")
            for entry in seen {
                // The staging directory is private to root (0700); the file in it is never wider
                // than its final mode.
                let allowed: UInt16 = entry.isDirectory ? 0o700 : 0o400
                #expect(entry.mode & ~allowed == 0, "\(entry.name) was visible with mode \(String(entry.mode, radix: 8))")
            }
            #expect(seen.contains { $0.name.contains(".k8sctl-") && $0.name.hasSuffix("/big.key") },
                    "the staged file was never observed")
        }
    }

    /// Regression (issue 9 fault trials): a writer killed between its temp file and the rename left
    /// `.NAME.k8sctl-PID` next to the target for good; the next write of that target removes it,
    /// also when the content is unchanged. Other files' temp files and look-alikes stay.
    @Test func tempFilesOfAKilledWriter_areRemoved_whenTheTargetIsWrittenAgain() async throws {
        try await withHost { host, fixture in
            let directory = try fixture.remoteDirectory()
            let file = NodeFile(path: directory + "/kube-apiserver.yaml", text: "kind: Pod\n", mode: 0o600)
            #expect(try await host.writeFiles([file]).map(\.change) == [.created])
            for name in [".kube-apiserver.yaml.k8sctl-4242", ".kube-apiserver.yaml.k8sctl-77", ".etcd.yaml.k8sctl-4242", "kube-apiserver.yaml.k8sctl-1"] {
                try Data("half".utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
            }
            #expect(try await host.writeFiles([file]).map(\.change) == [.unchanged])
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                    == [".etcd.yaml.k8sctl-4242", "kube-apiserver.yaml", "kube-apiserver.yaml.k8sctl-1"])
        }
    }

    /// The batched writer's counterpart: a writer killed between `tar` and the renames leaves its
    /// staging directory (`.k8sctl-TOKEN`, maybe with a half-extracted file) in the target directory;
    /// the next write into that directory removes it, also when nothing there changes. A file or a
    /// symbolic link by such a name is not a staging directory and stays.
    @Test func stagingDirectoriesOfAKilledWriter_areRemoved_onTheNextWriteToTheDirectory() async throws {
        try await withHost { host, fixture in
            let directory = try fixture.remoteDirectory()
            let elsewhere = try fixture.remoteDirectory()
            let file = NodeFile(path: directory + "/etcd.yaml", text: "kind: Pod\n", mode: 0o600)
            #expect(try await host.writeFiles([file]).map(\.change) == [.created])
            let fm = FileManager.default
            for token in ["k3j9x2", "q0"] {
                try fm.createDirectory(atPath: directory + "/.k8sctl-" + token, withIntermediateDirectories: false,
                                       attributes: [.posixPermissions: 0o700])
                try Data("half a manifest".utf8).write(to: URL(fileURLWithPath: directory + "/.k8sctl-" + token + "/etcd.yaml"))
            }
            try Data("not ours".utf8).write(to: URL(fileURLWithPath: directory + "/.k8sctl-notadir"))
            try fm.createDirectory(atPath: elsewhere + "/keep", withIntermediateDirectories: false)
            try fm.createSymbolicLink(atPath: directory + "/.k8sctl-link", withDestinationPath: elsewhere + "/keep")
            #expect(try await host.writeFiles([file]).map(\.change) == [.unchanged])
            #expect(try fm.contentsOfDirectory(atPath: directory).sorted() == [".k8sctl-link", ".k8sctl-notadir", "etcd.yaml"])
            #expect(fm.fileExists(atPath: elsewhere + "/keep"))
            #expect(fm.contents(atPath: file.path) == Data("kind: Pod\n".utf8))
        }
    }

    @Test func unchangedFile_isReportedUnchanged_andNotRewritten() async throws {
        try await withHost { host, fixture in
            let path = try fixture.remoteDirectory() + "/kubelet.conf"
            let file = NodeFile(path: path, text: "apiVersion: v1\n", mode: 0o600)
            #expect(try await host.writeFiles([file]).map(\.change) == [.created])
            let before = try fileStat(path)
            try await Task.sleep(for: .milliseconds(20))
            let again = try await host.writeFiles([file])
            #expect(again.map(\.change) == [.unchanged])
            #expect(!again[0].isChanged)
            let after = try fileStat(path)
            #expect(after.inode == before.inode)
            #expect(after.modified == before.modified)
        }
    }

    @Test func sameContent_wrongMode_isFixedInPlace() async throws {
        try await withHost { host, fixture in
            let path = try fixture.remoteDirectory() + "/admin.conf"
            let file = NodeFile(path: path, text: "x", mode: 0o600)
            _ = try await host.writeFiles([file])
            chmod(path, 0o644)
            let before = try fileStat(path)
            #expect(try await host.writeFiles([file]).map(\.change) == [.metadataChanged])
            #expect(try fileStat(path).inode == before.inode)
            #expect(try fileStat(path).mode == 0o600)
        }
    }

    @Test func replacedFile_isBackedUp_andReplacedAtomically() async throws {
        try await withHost { host, fixture in
            let root = try fixture.remoteDirectory()
            let path = root + "/etc/kubernetes/manifests/etcd.yaml"
            _ = try await host.writeFiles([NodeFile(path: path, text: "v1\n", mode: 0o600)])
            let backups = root + "/backups/rev-7"
            let outcomes = try await host.writeFiles([NodeFile(path: path, text: "v2\n", mode: 0o600)], backupDirectory: backups)
            #expect(outcomes == [FileWriteOutcome(path: path, change: .replaced, backupPath: backups + path)])
            #expect(FileManager.default.contents(atPath: path) == Data("v2\n".utf8))
            #expect(FileManager.default.contents(atPath: backups + path) == Data("v1\n".utf8))
            #expect(try fileStat(backups + path).mode == 0o600)
        }
    }

    @Test func hundredFiles_areWrittenInOneRoundTrip() async throws {
        try await withHost { host, fixture in
            let root = try fixture.remoteDirectory()
            let files = (0..<100).map { index in
                NodeFile(path: "\(root)/d\(index % 7)/file \(index).txt", text: String(repeating: "\(index)", count: index + 1),
                         mode: index.isMultiple(of: 2) ? 0o644 : 0o600)
            }
            let counting = CountingHost(host)
            let outcomes = try await counting.writeFiles(files)
            #expect(counting.count == 1)
            #expect(outcomes.allSatisfy { $0.change == .created })
            for file in files {
                #expect(FileManager.default.contents(atPath: file.path).map(Array.init) == file.content)
                #expect(try fileStat(file.path).mode == file.mode)
            }
            let second = try await counting.writeFiles(files)
            #expect(counting.count == 2)
            #expect(second.allSatisfy { $0.change == .unchanged })
        }
    }

    @Test func binaryContent_andEmptyFile_roundTrip() async throws {
        try await withHost { host, fixture in
            let root = try fixture.remoteDirectory()
            let binary = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
            let files = [NodeFile(path: root + "/bin", content: binary), NodeFile(path: root + "/empty", content: [])]
            _ = try await host.writeFiles(files)
            #expect(try await host.readFile(root + "/bin") == binary)
            #expect(try await host.readFile(root + "/empty") == [])
            #expect(try await host.readFile(root + "/missing") == nil)
        }
    }

    @Test func checksums_ofManyPaths_inOneRoundTrip() async throws {
        try await withHost { host, fixture in
            let root = try fixture.remoteDirectory()
            let files = [NodeFile(path: root + "/a", text: "a"), NodeFile(path: root + "/with space", text: "b")]
            _ = try await host.writeFiles(files)
            let counting = CountingHost(host)
            let sums = try await counting.checksums([root + "/a", root + "/with space", root + "/missing", root])
            #expect(counting.count == 1)
            #expect(sums[root + "/a"] == .some("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"))
            #expect(sums[root + "/with space"] == .some(SHA256Hex.digest(Array("b".utf8))))
            #expect(sums[root + "/missing"] == .some(nil))
            #expect(sums[root] == .some(nil))
        }
    }

    @Test func directoryInTheWay_failsNamingThePath_andLeavesNoTempFiles() async throws {
        try await withHost { host, fixture in
            let root = try fixture.remoteDirectory()
            try FileManager.default.createDirectory(atPath: root + "/taken", withIntermediateDirectories: true)
            let files = [NodeFile(path: root + "/first", text: "1"), NodeFile(path: root + "/taken", text: "2")]
            do {
                _ = try await host.writeFiles(files)
                Issue.record("expected a failure")
            } catch let error as TransportError {
                guard case let .fileOperationFailed(name, _, reason) = error else { Issue.record("\(error)"); return }
                #expect(name == "node1")
                #expect(reason.contains(root + "/taken"))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == ["taken"])
        }
    }

    @Test(arguments: ["relative/path", "/etc/x\ny", "/etc/dir/", "/etc/../root/x", "/trailing "])
    func unsafePaths_areRefusedBeforeAnythingIsSent(path: String) async throws {
        try await withHost { host, _ in
            let counting = CountingHost(host)
            await #expect(throws: TransportError.self) { _ = try await counting.writeFiles([NodeFile(path: path, text: "x")]) }
            #expect(counting.count == 0)
        }
    }

    private struct FileStat { var inode: UInt64; var modified: timespec; var mode: UInt16 }

    private func fileStat(_ path: String) throws -> FileStat {
        var info = Glibc.stat()
        guard lstat(path, &info) == 0 else { throw TestServerError(message: "stat \(path) failed") }
        return FileStat(inode: UInt64(info.st_ino), modified: info.st_mtim, mode: UInt16(info.st_mode & 0o7777))
    }
}

extension timespec: @retroactive Equatable {
    public static func == (lhs: timespec, rhs: timespec) -> Bool { lhs.tv_sec == rhs.tv_sec && lhs.tv_nsec == rhs.tv_nsec }
}

/// Passes commands to a real host and counts them: proves operations take one round trip.
final class CountingHost: RemoteHost, @unchecked Sendable {
    let base: any RemoteHost
    private let lock = NSLock()
    private var calls = 0
    init(_ base: any RemoteHost) { self.base = base }
    var name: String { base.name }
    var transportDescription: String { base.transportDescription }
    var count: Int { lock.lock(); defer { lock.unlock() }; return calls }
    func run(_ command: RemoteCommand) async throws -> CommandResult {
        lock.withLock { calls += 1 }
        return try await base.run(command)
    }
    func close() async { await base.close() }
}

/// Lists a directory (and the staging directories a write makes in it) in a tight loop on its own
/// thread, recording the mode of every entry it sees.
final class DirectoryModeWatcher: @unchecked Sendable {
    struct Entry { var name: String; var mode: UInt16; var isDirectory: Bool }
    let directory: String
    private let lock = NSLock()
    private var running = true
    private var seen: [Entry] = []
    private let done = DispatchSemaphore(value: 0)

    init(directory: String) { self.directory = directory }

    func start() {
        Thread { [self] in
            while isRunning {
                guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
                for name in entries { look(at: name, descend: true) }
            }
            done.signal()
        }.start()
    }

    private func look(at name: String, descend: Bool) {
        var info = Glibc.stat()
        guard lstat(directory + "/" + name, &info) == 0 else { return }
        let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        record(Entry(name: name, mode: UInt16(info.st_mode & 0o7777), isDirectory: isDirectory))
        if isDirectory, descend, name.hasPrefix(".k8sctl-"),
           let inner = try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + name) {
            for child in inner { look(at: name + "/" + child, descend: false) }
        }
    }

    func stop() -> [Entry] {
        lock.lock(); running = false; lock.unlock()
        done.wait()
        lock.lock(); defer { lock.unlock() }
        return seen
    }

    private var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running }
    private func record(_ entry: Entry) { lock.lock(); seen.append(entry); lock.unlock() }
}
