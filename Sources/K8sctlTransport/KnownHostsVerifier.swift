import CLibSSH2
import Crypto
import Foundation
import K8sctlModel

/// Checks the key a host presented against an OpenSSH known_hosts file, under a policy.
///
/// The file is fed to libssh2 line by line (its own reader stops at the first line it cannot
/// parse, e.g. a security-key entry), which also lets errors cite `file:line`. New keys are
/// appended as one line, never by rewriting the file, so entries libssh2 does not understand survive.
struct KnownHostsVerifier {
    var file: String
    var policy: SSHSettings.HostKeyPolicy

    /// Serialises appends from the many host threads of one process.
    private static let appendLock = NSLock()

    /// What was decided, for the caller to report.
    enum Verdict: Equatable {
        case matched
        case recorded(line: String)
        case ignored(warning: String)
    }

    /// - Parameters:
    ///   - hostName: inventory name, for messages.
    ///   - address/port: what was connected to; the known_hosts entry is `address` or `[address]:port`.
    /// - Throws: ``TransportError/unknownHostKey(host:address:knownHostsFile:presentedFingerprint:)``,
    ///   ``TransportError/hostKeyMismatch(host:address:knownHostsFile:line:knownHostsLine:expectedFingerprint:presentedFingerprint:)``,
    ///   ``TransportError/knownHostsUnusable(file:reason:)``.
    func verify(_ ssh: LibSSH2Session, hostName: String, address: String, port: Int) throws -> Verdict {
        var keyLength = 0
        var keyType: Int32 = 0
        guard let key = libssh2_session_hostkey(ssh.session, &keyLength, &keyType) else {
            throw TransportError.handshakeFailed(host: hostName, address: address, reason: "the server sent no host key")
        }
        let presented = KnownHostsVerifier.fingerprint(Array(UnsafeRawBufferPointer(start: key, count: keyLength)))
        if policy == .insecureIgnore {
            return .ignored(warning: "WARNING: host key of \(hostName) (\(address)) NOT verified (hostKeyPolicy: insecure-ignore); presented \(presented)")
        }
        let path = KnownHostsVerifier.expand(file)
        guard let hosts = libssh2_knownhost_init(ssh.session) else {
            throw TransportError.knownHostsUnusable(file: path, reason: "libssh2 could not allocate a known-hosts list")
        }
        defer { libssh2_knownhost_free(hosts) }
        let lines = try readLines(path)
        for line in lines where !line.isEmpty && !line.hasPrefix("#") {
            _ = libssh2_knownhost_readline(hosts, line, line.utf8.count, LIBSSH2_KNOWNHOST_FILE_OPENSSH)
        }
        let typeBits = KnownHostsVerifier.knownHostKeyBits(keyType)
        let mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW
        var entry: UnsafeMutablePointer<libssh2_knownhost>?
        let result = libssh2_knownhost_checkp(hosts, address, Int32(port), key, keyLength, mask | typeBits, &entry)
        switch result {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH:
            return .matched
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
            throw mismatch(entry, lines: lines, path: path, hostName: hostName, address: address, presented: presented)
        case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
            // A key of another type recorded for this host is not "unknown": libssh2 only compares
            // keys of the same type, so ask again ignoring the type before trusting anything new.
            var other: UnsafeMutablePointer<libssh2_knownhost>?
            let anyType = libssh2_knownhost_checkp(hosts, address, Int32(port), key, keyLength, mask, &other)
            if anyType == LIBSSH2_KNOWNHOST_CHECK_MISMATCH {
                throw mismatch(other, lines: lines, path: path, hostName: hostName, address: address, presented: presented)
            }
            guard policy == .acceptNew else {
                throw TransportError.unknownHostKey(host: hostName, address: address, knownHostsFile: file,
                                                    presentedFingerprint: presented)
            }
            return .recorded(line: try append(hosts, key: key, keyLength: keyLength, typeBits: typeBits,
                                              address: address, port: port, path: path))
        default:
            throw TransportError.knownHostsUnusable(file: path, reason: "libssh2 could not check it")
        }
    }

    private func readLines(_ path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TransportError.knownHostsUnusable(file: path, reason: "cannot read it")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private func mismatch(_ entry: UnsafeMutablePointer<libssh2_knownhost>?, lines: [String], path: String,
                          hostName: String, address: String, presented: String) -> TransportError {
        let recordedKey = entry.flatMap { $0.pointee.key.map { String(cString: $0) } } ?? ""
        let expected = Data(base64Encoded: recordedKey).map { KnownHostsVerifier.fingerprint(Array($0)) } ?? "(unreadable key)"
        let index = recordedKey.isEmpty ? nil : lines.firstIndex { $0.contains(recordedKey) }
        return TransportError.hostKeyMismatch(host: hostName, address: address, knownHostsFile: path,
                                              line: index.map { $0 + 1 }, knownHostsLine: index.map { lines[$0] } ?? "?",
                                              expectedFingerprint: expected, presentedFingerprint: presented)
    }

    private func append(_ hosts: OpaquePointer, key: UnsafePointer<CChar>, keyLength: Int, typeBits: Int32,
                        address: String, port: Int, path: String) throws -> String {
        let name = port == 22 ? address : "[\(address)]:\(port)"
        var added: UnsafeMutablePointer<libssh2_knownhost>?
        let mask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | typeBits
        guard libssh2_knownhost_addc(hosts, name, nil, key, keyLength, nil, 0, mask, &added) == 0, let added else {
            throw TransportError.knownHostsUnusable(file: path, reason: "libssh2 could not format an entry for \(name)")
        }
        var buffer = [CChar](repeating: 0, count: 8192)
        var written = 0
        guard libssh2_knownhost_writeline(hosts, added, &buffer, buffer.count, &written, LIBSSH2_KNOWNHOST_FILE_OPENSSH) == 0 else {
            throw TransportError.knownHostsUnusable(file: path, reason: "libssh2 could not format an entry for \(name)")
        }
        let line = String(decoding: buffer.prefix(written).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        KnownHostsVerifier.appendLock.lock()
        defer { KnownHostsVerifier.appendLock.unlock() }
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else {
            throw TransportError.knownHostsUnusable(file: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let bytes = Array(line.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            throw TransportError.knownHostsUnusable(file: path, reason: String(cString: strerror(errno)))
        }
        return line.trimmingCharacters(in: .newlines)
    }

    /// OpenSSH's fingerprint format: `SHA256:` + unpadded base64 of the key blob's sha256.
    static func fingerprint(_ keyBlob: [UInt8]) -> String {
        let digest = Data(SHA256.hash(data: keyBlob)).base64EncodedString()
        return "SHA256:" + digest.replacingOccurrences(of: "=", with: "")
    }

    static func expand(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        return FileManager.default.homeDirectoryForCurrentUser.path + String(path.dropFirst(1))
    }

    /// libssh2's session host key type → its known-hosts key type bits.
    static func knownHostKeyBits(_ sessionKeyType: Int32) -> Int32 {
        switch sessionKeyType {
        case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA
        case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521
        case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519
        default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN
        }
    }
}
