import Foundation

/// Reads a file as it was at a git revision (`git show REV:path`), for `validate --previous-git`.
struct GitRevisionReader {
    enum Failure: Error, CustomStringConvertible {
        /// The inventory is not inside a git work tree.
        case notInRepository(path: String, detail: String)
        /// git does not know the revision.
        case unknownRevision(revision: String, detail: String)
        /// The file did not exist at that revision (a new inventory).
        case absentAtRevision(revision: String, path: String)

        var description: String {
            switch self {
            case .notInRepository(let path, let detail):
                "\(path) is not inside a git work tree (\(detail)); use --previous FILE instead"
            case .unknownRevision(let revision, let detail):
                "git revision '\(revision)' is unknown (\(detail)); in CI, fetch it first (e.g. git fetch origin main, or a checkout with full history)"
            case .absentAtRevision(let revision, let path):
                "\(path) does not exist at \(revision)"
            }
        }
    }

    /// The file's text at `revision`, and the `REV:path` label naming it.
    func read(path: String, revision: String) throws -> (text: String, label: String) {
        let file = URL(fileURLWithPath: path).standardizedFileURL
        let directory = file.deletingLastPathComponent()
        let top = try git(["rev-parse", "--show-toplevel"], in: directory)
        guard top.status == 0 else { throw Failure.notInRepository(path: path, detail: top.stderr.trimmed) }
        let root = URL(fileURLWithPath: top.stdout.trimmed).resolvingSymlinksInPath().path
        let resolved = file.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/") else { throw Failure.notInRepository(path: path, detail: "outside \(root)") }
        let relative = String(resolved.dropFirst(root.count + 1))
        let verify = try git(["rev-parse", "--verify", "--quiet", revision + "^{commit}"], in: directory)
        guard verify.status == 0 else { throw Failure.unknownRevision(revision: revision, detail: verify.stderr.trimmed.isEmpty ? "git rev-parse --verify failed" : verify.stderr.trimmed) }
        let show = try git(["show", "\(revision):\(relative)"], in: directory)
        guard show.status == 0 else { throw Failure.absentAtRevision(revision: revision, path: relative) }
        return (show.stdout, "\(revision):\(relative)")
    }

    private func git(_ arguments: [String], in directory: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // git's stderr here is one short line, so reading stdout first cannot deadlock.
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }
}

private extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
