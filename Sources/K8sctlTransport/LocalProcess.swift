import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a local program (the `ssh` client) with stdin bytes, collecting stdout and stderr
/// separately, with an optional time limit. Runs on a thread of its own: the waits block.
enum LocalProcess {
    struct Outcome: Sendable {
        var status: Int32
        var signal: Int32?
        var standardOutput: [UInt8]
        var standardError: [UInt8]
        var timedOut: Bool
        var duration: Duration
    }

    /// - Parameter executable: a path, or a name looked up on PATH.
    static func run(_ executable: String, _ arguments: [String], standardInput: [UInt8] = [],
                    timeoutMilliseconds: Int? = nil) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: try runBlocking(executable, arguments, standardInput, timeoutMilliseconds)) }
                catch { continuation.resume(throwing: error) }
            }
            thread.name = "k8sctl-process"
            thread.start()
        }
    }

    struct LaunchFailure: Error, CustomStringConvertible {
        var description: String
    }

    static func resolve(_ executable: String) -> String? {
        if executable.contains("/") { return executable }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], _ input: [UInt8],
                                    _ timeoutMilliseconds: Int?) throws -> Outcome {
        guard let path = resolve(executable) else { throw LaunchFailure(description: "\(executable) not found on PATH") }
        let started = ContinuousClock.now
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        // stdin is a socketpair so writes can use MSG_NOSIGNAL: a child that exits early must not
        // SIGPIPE this process.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw LaunchFailure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        // Threads of Dispatch and of the test runner block signals; a child inherits that mask,
        // and an ssh that ignores SIGTERM outlives its timeout. Start children with a clean slate.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard spawned == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw LaunchFailure(description: "cannot start \(path): \(String(cString: strerror(spawned)))")
        }
        for fd in [inPipe[1], outPipe[0], errPipe[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        var stdinFD: Int32 = inPipe[1]
        if input.isEmpty { close(stdinFD); stdinFD = -1 }
        var written = 0
        var out: [UInt8] = [], err: [UInt8] = []
        var openReaders: [Int32] = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Deadline(milliseconds: timeoutMilliseconds)
        var timedOut = false
        var status: Int32 = 0
        var reaped = false
        while !openReaders.isEmpty || stdinFD >= 0 {
            // `ssh -f` leaves a daemon (and its ProxyCommand) holding our pipes: once the child
            // itself has exited, take what is buffered and stop waiting for end-of-file.
            if !reaped && waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                for fd in openReaders {
                    while true {
                        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                        guard count > 0 else { break }
                        if fd == outPipe[0] { out.append(contentsOf: buffer[0..<count]) } else { err.append(contentsOf: buffer[0..<count]) }
                    }
                }
                break
            }
            var descriptors = openReaders.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if stdinFD >= 0 { descriptors.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            let remaining = deadline.remainingMilliseconds
            _ = poll(&descriptors, nfds_t(descriptors.count), Int32(remaining < 0 ? 50 : min(remaining, 50)))
            if deadline.hasPassed {
                timedOut = true
                kill(pid, SIGTERM)
                break
            }
            for descriptor in descriptors where descriptor.revents != 0 {
                if descriptor.fd == stdinFD {
                    let count = input.withUnsafeBytes {
                        send(stdinFD, $0.baseAddress! + written, min(65536, input.count - written), Int32(MSG_NOSIGNAL))
                    }
                    if count > 0 { written += count }
                    if count < 0 && errno != EAGAIN || written >= input.count { close(stdinFD); stdinFD = -1 }
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(descriptor.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if descriptor.fd == outPipe[0] { out.append(contentsOf: buffer[0..<count]) } else { err.append(contentsOf: buffer[0..<count]) }
                } else if count == 0 || errno != EAGAIN {
                    close(descriptor.fd)
                    openReaders.removeAll { $0 == descriptor.fd }
                }
            }
        }
        if stdinFD >= 0 { close(stdinFD) }
        openReaders.forEach { close($0) }
        if reaped {
        } else if timedOut {
            // Give it a moment to end on TERM, then KILL.
            for _ in 0..<20 where waitpid(pid, &status, WNOHANG) == 0 { usleep(50_000) }
            if waitpid(pid, &status, WNOHANG) == 0 { kill(pid, SIGKILL); waitpid(pid, &status, 0) }
        } else {
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        let signal = status & 0x7f
        return Outcome(status: signal == 0 ? (status >> 8) & 0xff : 0, signal: signal == 0 ? nil : signal,
                       standardOutput: out, standardError: err, timedOut: timedOut, duration: started.duration(to: .now))
    }
}
