import Foundation

/// The algorithm of a private key file, read without decrypting it: OpenSSH-format keys carry the
/// public half in clear, PEM keys name their type in the armour. Used to route RSA keys (which
/// libssh2 1.10 cannot use against OpenSSH ≥ 8.8) to the OpenSSH transport before trying.
public enum PrivateKeyKind: String, Sendable, Hashable {
    case ed25519, ecdsa, rsa, dsa, unknown

    /// Reads the kind from a key file's text.
    public static func detect(_ text: String) -> PrivateKeyKind {
        if text.contains("BEGIN RSA PRIVATE KEY") { return .rsa }
        if text.contains("BEGIN EC PRIVATE KEY") { return .ecdsa }
        if text.contains("BEGIN DSA PRIVATE KEY") { return .dsa }
        guard let begin = text.range(of: "-----BEGIN OPENSSH PRIVATE KEY-----"),
              let end = text.range(of: "-----END OPENSSH PRIVATE KEY-----", range: begin.upperBound..<text.endIndex)
        else { return .unknown }
        let body = text[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else { return .unknown }
        return fromOpenSSHContainer(Array(data))
    }

    /// The kind named by an SSH public key blob (its first string), e.g. from an agent identity.
    public static func fromPublicKeyBlob(_ blob: [UInt8]) -> PrivateKeyKind {
        var reader = SSHWireReader(bytes: blob)
        guard let name = reader.string() else { return .unknown }
        return fromAlgorithmName(String(decoding: name, as: UTF8.self))
    }

    static func fromAlgorithmName(_ name: String) -> PrivateKeyKind {
        if name == "ssh-ed25519" { return .ed25519 }
        if name.hasPrefix("ecdsa-sha2-") { return .ecdsa }
        if name == "ssh-rsa" || name.hasPrefix("rsa-sha2-") { return .rsa }
        if name == "ssh-dss" { return .dsa }
        return .unknown
    }

    /// `openssh-key-v1\0`, cipher, kdf, kdf options, key count, then the first public key blob.
    private static func fromOpenSSHContainer(_ bytes: [UInt8]) -> PrivateKeyKind {
        let magic = Array("openssh-key-v1".utf8) + [0]
        guard bytes.starts(with: magic) else { return .unknown }
        var reader = SSHWireReader(bytes: Array(bytes.dropFirst(magic.count)))
        guard reader.string() != nil, reader.string() != nil, reader.string() != nil,
              let count = reader.uint32(), count >= 1, let publicKey = reader.string() else { return .unknown }
        return fromPublicKeyBlob(publicKey)
    }
}

/// Reads SSH wire-format fields (RFC 4251 §5).
struct SSHWireReader {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func uint32() -> UInt32? {
        guard offset + 4 <= bytes.count else { return nil }
        let value = bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        offset += 4
        return value
    }

    mutating func string() -> [UInt8]? {
        guard let length = uint32(), offset + Int(length) <= bytes.count else { return nil }
        let value = Array(bytes[offset..<offset + Int(length)])
        offset += Int(length)
        return value
    }
}
