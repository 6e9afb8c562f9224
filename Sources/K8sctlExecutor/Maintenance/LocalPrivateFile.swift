import Foundation

/// Writes a file on this machine that only its owner may read (a pulled etcd snapshot holds every
/// Secret of the cluster): a temporary file created 0600 with O_EXCL, written, fsynced, renamed
/// over the target. Never a wider mode, not even for a moment.
enum LocalPrivateFile {
    static func write(_ bytes: [UInt8], to url: URL) throws {
        let temporary = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).\(UInt32.random(in: 0...UInt32.max)).partial"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw UnusableInput("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                throw UnusableInput("cannot write \(temporary): \(reason)")
            }
            offset += written
        }
        fchmod(descriptor, 0o600)
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard synced, rename(temporary, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw UnusableInput("cannot write \(url.path): \(reason)")
        }
    }
}
