import Crypto
import K8sctlModel

extension RemoteHost {
    /// Writes `files` atomically in one remote round trip and reports, per file, what changed.
    ///
    /// Each file is compared by sha256 first: unchanged content with the right mode and owner is
    /// left untouched (same inode, same mtime). Otherwise the content is staged next to the target
    /// (in a private directory of the target directory, never wider than `mode`), gets owner and
    /// mode, is read back and checked, fsynced and renamed over the target; the directories are
    /// fsynced last. All files travel as one tar stream to one remote process
    /// (``RemoteFileScripts/writeFiles``): the node starts a fixed number of processes per write,
    /// not several per file.
    /// - Parameters:
    ///   - files: absolute paths, at most one entry per path.
    ///   - backupDirectory: when set, a replaced file is first copied (mode and owner kept) to
    ///     `backupDirectory + path`, e.g. a per-revision directory for rollback.
    ///   - directoryMode: mode of parent directories that have to be created (0o700 for secret dirs).
    /// - Returns: one outcome per file, in the order given.
    /// - Throws: ``TransportError/invalidPath(path:reason:)`` before anything is sent;
    ///   ``TransportError/fileOperationFailed(host:path:reason:)`` when the host refused a write
    ///   (no target is then changed by the failing stage; none is ever half-written).
    public func writeFiles(_ files: [NodeFile], backupDirectory: String? = nil,
                           directoryMode: UInt16 = 0o755) async throws -> [FileWriteOutcome] {
        try await writeFiles(files.map { FileWrite(file: $0, directoryMode: directoryMode) }, backupDirectory: backupDirectory)
    }

    /// Writes files whose missing parent directories need different modes (e.g. a host's whole
    /// set of manifests, configs and PKI in one round trip), as
    /// ``writeFiles(_:backupDirectory:directoryMode:)`` does.
    public func writeFiles(_ writes: [FileWrite], backupDirectory: String? = nil) async throws -> [FileWriteOutcome] {
        if writes.isEmpty { return [] }
        var seen = Set<String>()
        for write in writes {
            let file = write.file
            try FilePathRules.check(file.path)
            try FilePathRules.checkAccount(file.owner, path: file.path)
            try FilePathRules.checkAccount(file.group, path: file.path)
            guard seen.insert(file.path).inserted else {
                throw TransportError.invalidPath(path: file.path, reason: "listed twice in one write")
            }
        }
        if let backupDirectory { try FilePathRules.check(backupDirectory) }

        // Wider directory modes first: the remote creates missing directories in this order, so a
        // 0700 directory (pki) never creates a shared parent (/etc/kubernetes) at 0700.
        let ordered = writes.enumerated().sorted {
            ($0.element.directoryMode, -$0.offset) > ($1.element.directoryMode, -$1.offset)
        }.map(\.element)
        let token = StagingToken.make()
        var headers = ""
        var archive = TarStream(capacity: writes.reduce(0) { $0 + $1.file.content.count + 1024 } + 1024)
        for write in ordered {
            let file = write.file
            let mode = file.mode & 0o7777
            headers += [String(mode, radix: 8), file.owner, file.group, write.sha256 ?? SHA256Hex.digest(file.content),
                        String(~write.directoryMode & 0o777, radix: 8), file.path].joined(separator: " ") + "\n"
            try archive.appendFile(name: StagingToken.member(of: file.path, token: token), content: file.content,
                                   mode: mode, owner: file.owner, group: file.group)
        }
        let stream = Array(headers.utf8) + archive.finish()
        let backup = backupDirectory.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? ""
        let command = RemoteCommand(["sh", "-c", RemoteFileScripts.writeFiles, "k8sctl-write", backup,
                                     String(writes.count), token],
                                    standardInput: stream)
        let result = try await run(command)
        guard result.succeeded else {
            let reason = result.stderr.split(separator: "\n").first { $0.hasPrefix("k8sctl-write: ") }
                .map { String($0.dropFirst("k8sctl-write: ".count)) }
            throw TransportError.fileOperationFailed(
                host: name, path: writes.count == 1 ? writes[0].file.path : "\(writes.count) files",
                reason: reason ?? "\(result.outcomeDescription): \(result.stderrTail(lines: 5))")
        }
        var changes: [String: FileWriteOutcome.Change] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let space = line.firstIndex(of: " "),
                  let change = FileWriteOutcome.Change(rawValue: String(line[..<space])) else { continue }
            changes[String(line[line.index(after: space)...])] = change
        }
        return try writes.map { write in
            let file = write.file
            guard let change = changes[file.path] else {
                throw TransportError.fileOperationFailed(host: name, path: file.path,
                                                         reason: "the remote writer did not report this file")
            }
            let backupPath = (change == .replaced && !backup.isEmpty) ? backup + file.path : nil
            return FileWriteOutcome(path: file.path, change: change, backupPath: backupPath)
        }
    }

    /// The content of `path`, or `nil` when it does not exist.
    /// - Throws: ``TransportError/fileOperationFailed(host:path:reason:)`` when it exists but cannot be read.
    public func readFile(_ path: String) async throws -> [UInt8]? {
        let result = try await run(RemoteCommand(["sh", "-c", RemoteFileScripts.readFile, "k8sctl-read", path]))
        if result.exitStatus == 3 && result.exitSignal == nil { return nil }
        guard result.succeeded else {
            throw TransportError.fileOperationFailed(host: name, path: path,
                                                     reason: "\(result.outcomeDescription): \(result.stderrTail(lines: 3))")
        }
        return result.standardOutput
    }

    /// The sha256 (lowercase hex) of each path in one round trip; `nil` for paths that are not
    /// regular files. Every requested path is a key of the result.
    public func checksums(_ paths: [String]) async throws -> [String: String?] {
        if paths.isEmpty { return [:] }
        let result = try await run(RemoteCommand(["sh", "-c", RemoteFileScripts.checksums, "k8sctl-sum"] + paths))
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard result.succeeded, lines.count >= paths.count else {
            throw TransportError.fileOperationFailed(host: name, path: paths.count == 1 ? paths[0] : "\(paths.count) files",
                                                     reason: "\(result.outcomeDescription): \(result.stderrTail(lines: 3))")
        }
        var sums: [String: String?] = [:]
        for (path, line) in zip(paths, lines) { sums[path] = line == "-" ? nil : String(line) }
        return sums
    }
}

/// sha256 as lowercase hex, as `sha256sum` prints it.
enum SHA256Hex {
    static func digest(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// What the remote writer accepts as a path or an account name. Refused values never reach a host.
enum FilePathRules {
    static func check(_ path: String) throws {
        guard path.hasPrefix("/") else { throw TransportError.invalidPath(path: path, reason: "not absolute") }
        guard !path.contains("\n"), !path.contains("\0") else {
            throw TransportError.invalidPath(path: path, reason: "contains a newline or NUL")
        }
        guard path.count > 1, !path.hasSuffix("/") else {
            throw TransportError.invalidPath(path: path, reason: "names a directory, not a file")
        }
        guard !path.hasSuffix(" "), !path.hasSuffix("\t") else {
            throw TransportError.invalidPath(path: path, reason: "ends in whitespace")
        }
        guard !path.split(separator: "/").contains(where: { $0 == ".." }) else {
            throw TransportError.invalidPath(path: path, reason: "contains `..`")
        }
    }

    static func checkAccount(_ name: String, path: String) throws {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard !name.isEmpty, allowed, !name.hasPrefix("-") else {
            throw TransportError.invalidPath(path: path, reason: "owner/group \(name.debugDescription) is not a valid account name")
        }
        guard name.utf8.count <= 31 else {
            throw TransportError.invalidPath(path: path, reason: "owner/group \(name.debugDescription) is longer than 31 bytes")
        }
    }
}

/// One file of a write and the mode of any parent directory the write has to create.
public struct FileWrite: Sendable, Hashable {
    public var file: NodeFile
    public var directoryMode: UInt16
    /// The content's sha256 when the caller already knows it (a binary checked against its pin),
    /// so tens of megabytes are not hashed again per host. The node checks what arrived against it.
    public var sha256: String?
    public init(file: NodeFile, directoryMode: UInt16 = 0o755, sha256: String? = nil) {
        self.file = file
        self.directoryMode = directoryMode
        self.sha256 = sha256
    }
}

/// Names the staging directories of one write (`<dir>/.k8sctl-<token>/`), so that two writers,
/// or a write and the leftovers of a killed one, never share a temp path.
enum StagingToken {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(generator.next() % 36, radix: 36) }.joined()
    }

    /// The tar member of `path`: relative to `/`, in the staging directory of its own directory.
    static func member(of path: String, token: String) -> String {
        let slash = path.lastIndex(of: "/")!
        let directory = String(path[path.index(after: path.startIndex)..<slash])
        let name = String(path[path.index(after: slash)...])
        return (directory.isEmpty ? "" : directory + "/") + ".k8sctl-\(token)/" + name
    }
}
