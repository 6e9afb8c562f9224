import Foundation
#if canImport(Glibc)
import Glibc
#endif
import K8sctlModel

/// Writes rendered hosts as `<out>/<host>/<absolute path>` trees with each file's mode, so users
/// can review, diff and test exactly what `apply` would write. Files are created with their final
/// mode (no window where a key is world-readable).
public struct RenderedTreeWriter: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// Replaces each host's tree (files no longer rendered for it disappear); other hosts'
    /// trees under `root` are left alone.
    /// - Throws: file-system errors with the path that failed.
    public func write(_ hosts: [RenderedHost]) throws {
        for host in hosts {
            let hostRoot = root.appendingPathComponent(host.host)
            if FileManager.default.fileExists(atPath: hostRoot.path) { try FileManager.default.removeItem(at: hostRoot) }
            for file in host.files {
                let url = hostRoot.appendingPathComponent(String(file.path.drop { $0 == "/" }))
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Self.writeFile(file, to: url.path)
            }
        }
    }

    static func writeFile(_ file: NodeFile, to path: String) throws {
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(file.mode))
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        // open() applies the umask; set the exact mode explicitly.
        fchmod(descriptor, mode_t(file.mode))
        var offset = 0
        while offset < file.content.count {
            let written = file.content[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            offset += written
        }
    }
}
