import CLibSSH2

extension LibSSH2Session {
    /// Runs one exec request on a new channel: feeds stdin while draining stdout and stderr (both,
    /// always, so neither a large input nor a chatty stderr can stall the channel), then collects the
    /// exit status and signal.
    /// - Parameters:
    ///   - commandText: the exec string (already quoted).
    ///   - timeoutMilliseconds: whole-command limit; on expiry the channel is closed.
    func execute(_ commandText: String, standardInput: [UInt8], timeoutMilliseconds: Int?) throws -> CommandResult {
        guard !isClosed else { throw TransportError.closed(host: hostName) }
        let started = ContinuousClock.now
        let deadline = Deadline(milliseconds: timeoutMilliseconds)
        let timedOut = {
            TransportError.commandTimedOut(host: self.hostName, command: commandText,
                                           timeoutSeconds: Double(timeoutMilliseconds ?? 0) / 1000)
        }
        let opened = try retryingPointer(deadline, timeout: timedOut) {
            libssh2_channel_open_ex(session, "session", 7, 2 * 1024 * 1024, 32768, nil, 0)
        }
        guard let channel = opened else {
            throw TransportError.channelFailed(host: hostName, command: commandText, reason: "cannot open a channel: \(lastErrorMessage)")
        }
        var freed = false
        defer { if !freed { abandon(channel) } }

        let started_ = try retrying(deadline, timeout: timedOut) {
            libssh2_channel_process_startup(channel, "exec", 4, commandText, UInt32(commandText.utf8.count))
        }
        guard started_ == 0 else {
            throw TransportError.channelFailed(host: hostName, command: commandText, reason: "exec refused: \(lastErrorMessage)")
        }

        var stdout: [UInt8] = [], stderr: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var written = 0
        var eofSent = false
        while true {
            var progressed = false
            if !eofSent {
                if written < standardInput.count {
                    let chunk = min(standardInput.count - written, 32768)
                    let rc = standardInput.withUnsafeBufferPointer { input in
                        input.baseAddress!.advanced(by: written).withMemoryRebound(to: CChar.self, capacity: chunk) {
                            libssh2_channel_write_ex(channel, 0, $0, chunk)
                        }
                    }
                    if rc > 0 { written += rc; progressed = true }
                    else if rc != Int(LIBSSH2_ERROR_EAGAIN) {
                        // The command stopped reading (exited early): the rest of stdin has no reader.
                        written = standardInput.count
                    }
                }
                if written >= standardInput.count {
                    let rc = libssh2_channel_send_eof(channel)
                    if rc != LIBSSH2_ERROR_EAGAIN { eofSent = true; progressed = true }
                }
            }
            for (stream, target) in [(Int32(0), 0), (Int32(SSH_EXTENDED_DATA_STDERR), 1)] {
                while true {
                    let count = buffer.withUnsafeMutableBufferPointer { raw in
                        raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) {
                            libssh2_channel_read_ex(channel, stream, $0, raw.count)
                        }
                    }
                    if count > 0 {
                        if target == 0 { stdout.append(contentsOf: buffer[0..<count]) } else { stderr.append(contentsOf: buffer[0..<count]) }
                        progressed = true
                        continue
                    }
                    if count < 0 && count != Int(LIBSSH2_ERROR_EAGAIN) {
                        throw TransportError.channelFailed(host: hostName, command: commandText, reason: "read failed: \(lastErrorMessage)")
                    }
                    break
                }
            }
            if libssh2_channel_eof(channel) != 0 && eofSent { break }
            if libssh2_channel_eof(channel) != 0 && !progressed && written >= standardInput.count { eofSent = true; continue }
            if !progressed {
                guard waitForSocket(deadline) else { throw timedOut() }
            }
        }
        let closeDeadline = Deadline(milliseconds: 10_000)
        let closing = { TransportError.channelFailed(host: self.hostName, command: commandText, reason: "the channel did not close") }
        _ = try retrying(closeDeadline, timeout: closing) { libssh2_channel_close(channel) }
        _ = try retrying(closeDeadline, timeout: closing) { libssh2_channel_wait_closed(channel) }
        let status = libssh2_channel_get_exit_status(channel)
        var signalName: UnsafeMutablePointer<CChar>?
        var signalLength = 0
        _ = libssh2_channel_get_exit_signal(channel, &signalName, &signalLength, nil, nil, nil, nil)
        var exitSignal: String?
        if let signalName {
            if signalLength > 0 { exitSignal = String(cString: signalName) }
            libssh2_free(session, signalName)
        }
        _ = try? retrying(closeDeadline, timeout: closing) { libssh2_channel_free(channel) }
        freed = true
        return CommandResult(exitStatus: status, exitSignal: exitSignal, standardOutput: stdout, standardError: stderr,
                             duration: started.duration(to: .now))
    }

    /// Gives a channel up after a timeout or error: close it without waiting long, then free it.
    private func abandon(_ channel: OpaquePointer) {
        let deadline = Deadline(milliseconds: 2000)
        let quick = { TransportError.closed(host: self.hostName) }
        _ = try? retrying(deadline, timeout: quick) { libssh2_channel_close(channel) }
        _ = try? retrying(deadline, timeout: quick) { libssh2_channel_free(channel) }
    }
}
