import Foundation

/// Writes files atomically with their final mode from the first byte: the content goes to a
/// temporary file opened `O_CREAT|O_EXCL` with the mode, then is renamed over the target. A
/// write-then-chmod would leave a private key readable by others for a moment.
enum PrivateFileWriter {
    /// - Parameter durable: fsync before the rename. Authorities and the service-account key are
    ///   written durably one by one; bulk leaves skip it and the caller flushes once with
    ///   `flush(_:)` (a thousand fsyncs cost seconds and buy nothing: a torn leaf is re-issued).
    static func write(_ text: String, to url: URL, mode: mode_t, durable: Bool = true) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/.\(url.lastPathComponent).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw PKIError.fileSystem(path: temporary, operation: "create", errno: errno) }
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw PKIError.fileSystem(path: temporary, operation: "write", errno: code)
            }
            written += result
        }
        // The umask may have narrowed the mode; certificates must still be world-readable.
        fchmod(descriptor, mode)
        if durable { fsync(descriptor) }
        close(descriptor)
        bytes.removeAll()
        guard rename(temporary, url.path) == 0 else {
            let code = errno
            unlink(temporary)
            throw PKIError.fileSystem(path: url.path, operation: "rename into place", errno: code)
        }
    }

    /// Flushes the file system holding `directory` (one syncfs instead of one fsync per file).
    static func flush(_ directory: URL) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        // glibc declares syncfs only under _GNU_SOURCE, which Swift's Glibc module does not set.
        if let symbol = dlsym(dlopen(nil, RTLD_NOW), "syncfs") {
            typealias SyncFS = @convention(c) (Int32) -> Int32
            _ = unsafeBitCast(symbol, to: SyncFS.self)(descriptor)
        } else {
            sync()
        }
        close(descriptor)
    }

    /// Creates `url` and any missing parents with mode 0700.
    static func makePrivateDirectory(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw PKIError.fileSystem(path: url.path, operation: "use as directory", errno: ENOTDIR)
            }
            return
        }
        try makePrivateDirectory(url.deletingLastPathComponent())
        if mkdir(url.path, 0o700) != 0 && errno != EEXIST {
            throw PKIError.fileSystem(path: url.path, operation: "create directory", errno: errno)
        }
    }
}
