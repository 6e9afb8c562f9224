import CLibSSH2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A direct-tcpip channel through a bastion, presented to the target's session as a socket.
///
/// The target session talks to one end of a socketpair; a pump thread copies bytes between the
/// other end and the channel. The bastion session belongs to the pump thread from then on (libssh2
/// sessions are not thread-safe). One bastion session per target keeps hosts independent: a
/// failing host cannot stall the tunnel of another.
final class BastionTunnel: @unchecked Sendable {
    private let bastion: LibSSH2Session
    private let channel: OpaquePointer
    private let pumpEnd: Int32
    /// The end the target's SSH session uses as its socket.
    let sessionEnd: Int32
    private let lock = NSLock()
    private var stopping = false

    /// Opens the channel to `targetAddress:targetPort` on an authenticated bastion session.
    init(bastion: LibSSH2Session, targetName: String, targetAddress: String, targetPort: Int, deadline: Deadline) throws {
        self.bastion = bastion
        let failed = { (reason: String) in
            TransportError.tunnelFailed(host: targetName, bastion: bastion.address, reason: reason)
        }
        let opened = try bastion.retryingPointer(deadline, timeout: { failed("timed out") }) {
            libssh2_channel_direct_tcpip_ex(bastion.session, targetAddress, Int32(targetPort), "127.0.0.1", 22)
        }
        guard let channel = opened else { throw failed(bastion.lastErrorMessage) }
        self.channel = channel
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            _ = libssh2_channel_free(channel)
            throw failed("socketpair: \(String(cString: strerror(errno)))")
        }
        for fd in pair { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        sessionEnd = pair[0]
        pumpEnd = pair[1]
        let thread = Thread { [self] in self.pump() }
        thread.name = "k8sctl-bastion-\(targetName)"
        thread.start()
    }

    /// Ends the pump; it frees the channel and the bastion session.
    func stop() {
        lock.lock()
        stopping = true
        lock.unlock()
    }

    private var shouldStop: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }

    private func pump() {
        var toLocal: [UInt8] = []
        var toChannel: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 32768)
        var localOpen = true
        while !shouldStop {
            var progressed = false
            // channel → local
            if toLocal.count < 1 << 20 {
                let count = buffer.withUnsafeMutableBufferPointer { raw in
                    raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) {
                        libssh2_channel_read_ex(channel, 0, $0, raw.count)
                    }
                }
                if count > 0 { toLocal.append(contentsOf: buffer[0..<count]); progressed = true }
                else if count < 0 && count != Int(LIBSSH2_ERROR_EAGAIN) { break }
            }
            if !toLocal.isEmpty {
                let sent = toLocal.withUnsafeBytes { send(pumpEnd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent > 0 { toLocal.removeFirst(sent); progressed = true }
                else if sent < 0 && errno != EAGAIN { break }
            }
            if libssh2_channel_eof(channel) != 0 && toLocal.isEmpty { break }
            // local → channel
            if localOpen && toChannel.count < 1 << 20 {
                let count = buffer.withUnsafeMutableBytes { recv(pumpEnd, $0.baseAddress, $0.count, 0) }
                if count > 0 { toChannel.append(contentsOf: buffer[0..<count]); progressed = true }
                else if count == 0 { localOpen = false }
                else if errno != EAGAIN { localOpen = false }
            }
            if !toChannel.isEmpty {
                let sent = toChannel.withUnsafeBufferPointer { raw in
                    raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) {
                        libssh2_channel_write_ex(channel, 0, $0, raw.count)
                    }
                }
                if sent > 0 { toChannel.removeFirst(sent); progressed = true }
                else if sent < 0 && sent != Int(LIBSSH2_ERROR_EAGAIN) { break }
            }
            if !localOpen && toChannel.isEmpty { break }
            if !progressed { waitForEither(wantLocalWrite: !toLocal.isEmpty) }
        }
        _ = libssh2_channel_free(channel)
        bastion.shutdown()
        close(pumpEnd)
    }

    private func waitForEither(wantLocalWrite: Bool) {
        let directions = libssh2_session_block_directions(bastion.session)
        var remoteEvents = Int16(POLLIN)
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { remoteEvents |= Int16(POLLOUT) }
        var descriptors = [
            pollfd(fd: bastion.socket, events: remoteEvents, revents: 0),
            pollfd(fd: pumpEnd, events: Int16(POLLIN) | (wantLocalWrite ? Int16(POLLOUT) : 0), revents: 0),
        ]
        _ = poll(&descriptors, 2, 50)
    }
}
