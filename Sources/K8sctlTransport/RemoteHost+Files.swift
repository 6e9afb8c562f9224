import Crypto
import K8sctlModel

extension RemoteHost {
    /// Writes `files` atomically in one remote round trip and reports, per file, what changed.
    ///
    /// Each file is compared by sha256 first: unchanged content with the right mode and owner is
    /// left untouched (same inode, same mtime). Otherwise the content goes to a temp file in the
    /// target directory, created no wider than `mode`, gets owner and mode, is fsynced and renamed
    /// over the target; the directory is fsynced last.
    /// - Parameters:
    ///   - files: absolute paths, at most one entry per path.
    ///   - backupDirectory: when set, a replaced file is first copied (mode and owner kept) to
    ///     `backupDirectory + path`, e.g. a per-revision directory for rollback.
    ///   - directoryMode: mode of parent directories that have to be created (0o700 for secret dirs).
    /// - Returns: one outcome per file, in the order given.
    /// - Throws: ``TransportError/invalidPath(path:reason:)`` before anything is sent;
    ///   ``TransportError/fileOperationFailed(host:path:reason:)`` when the host refused a write
    ///   (files before the failing one may already be in place; none is ever half-written).
    public func writeFiles(_ files: [NodeFile], backupDirectory: String? = nil,
                           directoryMode: UInt16 = 0o755) async throws -> [FileWriteOutcome] {
        if files.isEmpty { return [] }
        var seen = Set<String>()
        for file in files {
            try FilePathRules.check(file.path)
            try FilePathRules.checkAccount(file.owner, path: file.path)
            try FilePathRules.checkAccount(file.group, path: file.path)
            guard seen.insert(file.path).inserted else {
                throw TransportError.invalidPath(path: file.path, reason: "listed twice in one write")
            }
        }
        if let backupDirectory { try FilePathRules.check(backupDirectory) }

        var stream: [UInt8] = []
        stream.reserveCapacity(files.reduce(0) { $0 + $1.content.count + $1.path.utf8.count + 120 })
        for file in files {
            let mode = file.mode & 0o7777
            let header = [String(file.content.count), String(mode, radix: 8), String(~mode & 0o777, radix: 8),
                          file.owner, file.group, SHA256Hex.digest(file.content), file.path]
                .joined(separator: " ") + "\n"
            stream.append(contentsOf: header.utf8)
            stream.append(contentsOf: file.content)
        }
        let backup = backupDirectory.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? ""
        let command = RemoteCommand(["sh", "-c", RemoteFileScripts.writeFiles, "k8sctl-write", backup,
                                     String(~directoryMode & 0o777, radix: 8), String(files.count)],
                                    standardInput: stream)
        let result = try await run(command)
        guard result.succeeded else {
            let reason = result.stderr.split(separator: "\n").first { $0.hasPrefix("k8sctl-write: ") }
                .map { String($0.dropFirst("k8sctl-write: ".count)) }
            throw TransportError.fileOperationFailed(
                host: name, path: files.count == 1 ? files[0].path : "\(files.count) files",
                reason: reason ?? "\(result.outcomeDescription): \(result.stderrTail(lines: 5))")
        }
        var changes: [String: FileWriteOutcome.Change] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let space = line.firstIndex(of: " "),
                  let change = FileWriteOutcome.Change(rawValue: String(line[..<space])) else { continue }
            changes[String(line[line.index(after: space)...])] = change
        }
        return try files.map { file in
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
    }
}
