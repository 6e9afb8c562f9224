import Crypto
import _CryptoExtras
import K8sctlModel
import X509

/// Private keys as k8sctl generates them. Wrapped so that printing, logging or string
/// interpolation of anything holding a key never shows the key.
public struct PrivateKeyMaterial: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let key: Certificate.PrivateKey
    /// PEM with a trailing newline, as files on disk should end.
    public let pem: String

    public init(key: Certificate.PrivateKey) throws {
        self.key = key
        self.pem = try key.serializeAsPEM().pemString + "\n"
    }

    public init(pem: String) throws {
        self.key = try Certificate.PrivateKey(pemEncoded: pem)
        self.pem = pem.hasSuffix("\n") ? pem : pem + "\n"
    }

    /// A fresh key of the configured algorithm.
    public static func generate(_ algorithm: PKISettings.KeyAlgorithm) throws -> PrivateKeyMaterial {
        switch algorithm {
        case .rsa2048:
            return try PrivateKeyMaterial(key: Certificate.PrivateKey(_RSA.Signing.PrivateKey(keySize: .bits2048)))
        case .ecdsaP256:
            return try PrivateKeyMaterial(key: Certificate.PrivateKey(P256.Signing.PrivateKey()))
        }
    }

    public var publicKey: Certificate.PublicKey { key.publicKey }

    /// The public key as a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM, e.g. for `sa.pub`.
    public func publicKeyPEM() throws -> String { try publicKey.serializeAsPEM().pemString + "\n" }

    /// Which configured algorithm the key is, nil for algorithms k8sctl does not generate.
    public var algorithm: PKISettings.KeyAlgorithm? {
        if let rsa = _RSA.Signing.PublicKey(publicKey) { return rsa.keySizeInBits == 2048 ? .rsa2048 : nil }
        if P256.Signing.PublicKey(publicKey) != nil { return .ecdsaP256 }
        return nil
    }

    public var description: String { "<private key redacted>" }
    public var debugDescription: String { description }
}
