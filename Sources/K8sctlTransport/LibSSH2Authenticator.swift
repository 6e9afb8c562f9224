import CLibSSH2
import Foundation

/// Offers identities to the server one after another until one is accepted.
struct LibSSH2Authenticator {
    var user: String
    var identities: [SSHIdentity]

    /// - Returns: what was accepted, e.g. `key ~/.ssh/id_ed25519 (ed25519)`.
    /// - Throws: ``TransportError/rsaKeyNeedsOpenSSH(host:keyDescription:)`` when only RSA keys were
    ///   available, ``TransportError/keyFileUnusable(path:reason:)``, or
    ///   ``TransportError/authenticationFailed(host:user:tried:reason:)``.
    func authenticate(_ ssh: LibSSH2Session, deadline: Deadline) throws -> String {
        var tried: [String] = []
        var rsaSkipped: [String] = []
        var lastReason = "no identity was accepted"
        let timeout = { TransportError.authenticationFailed(host: ssh.hostName, user: user, tried: tried, reason: "timed out") }
        for identity in identities {
            switch identity {
            case let .keyFile(path, passphrase):
                let expanded = KnownHostsVerifier.expand(path)
                guard let data = FileManager.default.contents(atPath: expanded) else {
                    throw TransportError.keyFileUnusable(path: path, reason: "cannot read it")
                }
                let text = String(decoding: data, as: UTF8.self)
                let kind = PrivateKeyKind.detect(text)
                if kind == .rsa { rsaSkipped.append("key \(path)"); continue }
                let rc = try data.withUnsafeBytes { raw -> Int32 in
                    let key = raw.bindMemory(to: CChar.self)
                    return try ssh.retrying(deadline, timeout: timeout) {
                        libssh2_userauth_publickey_frommemory(ssh.session, user, user.utf8.count, nil, 0,
                                                              key.baseAddress, key.count, passphrase)
                    }
                }
                if rc == 0 { return "key \(path) (\(kind.rawValue))" }
                if rc == LIBSSH2_ERROR_FILE || rc == LIBSSH2_ERROR_KEYFILE_AUTH_FAILED {
                    throw TransportError.keyFileUnusable(
                        path: path, reason: passphrase == nil
                            ? "cannot parse it, or it is encrypted and no passphrase was given (K8SCTL_SSH_KEY_PASSPHRASE)"
                            : "cannot parse or decrypt it (wrong passphrase?)")
                }
                tried.append("key \(path) (\(kind.rawValue))")
                lastReason = ssh.lastErrorMessage
            case let .agent(socket):
                if let accepted = try authenticateWithAgent(ssh, socket: socket, deadline: deadline, tried: &tried,
                                                            rsaSkipped: &rsaSkipped, lastReason: &lastReason) {
                    return accepted
                }
            }
        }
        if tried.isEmpty, let rsa = rsaSkipped.first {
            throw TransportError.rsaKeyNeedsOpenSSH(host: ssh.hostName, keyDescription: rsa)
        }
        if !rsaSkipped.isEmpty { lastReason += "; skipped RSA keys libssh2 cannot use: " + rsaSkipped.joined(separator: ", ") }
        throw TransportError.authenticationFailed(host: ssh.hostName, user: user, tried: tried, reason: lastReason)
    }

    private func authenticateWithAgent(_ ssh: LibSSH2Session, socket: String, deadline: Deadline, tried: inout [String],
                                       rsaSkipped: inout [String], lastReason: inout String) throws -> String? {
        guard let agent = libssh2_agent_init(ssh.session) else { return nil }
        defer {
            _ = libssh2_agent_disconnect(agent)
            libssh2_agent_free(agent)
        }
        libssh2_agent_set_identity_path(agent, socket)
        guard libssh2_agent_connect(agent) == 0, libssh2_agent_list_identities(agent) == 0 else {
            tried.append("ssh-agent at \(socket) (unreachable)")
            lastReason = "cannot talk to ssh-agent at \(socket)"
            return nil
        }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var current: UnsafeMutablePointer<libssh2_agent_publickey>?
        var offered = 0
        while libssh2_agent_get_identity(agent, &current, previous) == 0, let identity = current {
            previous = identity
            let blob = Array(UnsafeBufferPointer(start: identity.pointee.blob, count: identity.pointee.blob_len))
            let kind = PrivateKeyKind.fromPublicKeyBlob(blob)
            let comment = identity.pointee.comment.map { String(cString: $0) } ?? "?"
            let label = "agent key \(comment) (\(kind.rawValue))"
            if kind == .rsa { rsaSkipped.append(label); continue }
            offered += 1
            let timeout = { TransportError.authenticationFailed(host: ssh.hostName, user: user, tried: tried, reason: "timed out") }
            let rc = try ssh.retrying(deadline, timeout: timeout) { libssh2_agent_userauth(agent, user, identity) }
            if rc == 0 { return label }
            tried.append(label)
            lastReason = ssh.lastErrorMessage
        }
        if offered == 0 && rsaSkipped.isEmpty {
            tried.append("ssh-agent at \(socket) (no keys)")
        }
        return nil
    }
}
