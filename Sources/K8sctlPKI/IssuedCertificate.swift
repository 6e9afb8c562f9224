import Foundation
import K8sctlModel
import SwiftASN1
import X509

/// A certificate with its private key, and the facts read back from it.
/// Its description names the certificate and never shows the key.
public struct IssuedCertificate: Sendable, Hashable, CustomStringConvertible {
    public let certificate: Certificate
    public let privateKey: PrivateKeyMaterial
    /// PEM with a trailing newline.
    public let certificatePEM: String

    public init(certificate: Certificate, privateKey: PrivateKeyMaterial) throws {
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
    }

    public init(certificatePEM: String, privateKeyPEM: String) throws {
        self.certificate = try Certificate(pemEncoded: certificatePEM)
        self.privateKey = try PrivateKeyMaterial(pem: privateKeyPEM)
        self.certificatePEM = certificatePEM.hasSuffix("\n") ? certificatePEM : certificatePEM + "\n"
    }

    public var summary: CertificateSummary { CertificateSummary(certificate) }

    /// Whether the private key belongs to the certificate.
    public var keyMatches: Bool { privateKey.publicKey == certificate.publicKey }

    public var description: String {
        let summary = self.summary
        return "certificate CN=\(summary.commonName) serial=\(summary.serialHex) notAfter=\(summary.notAfter) key=<redacted>"
    }
}

/// The facts about a certificate that listings, reuse decisions and tests look at.
public struct CertificateSummary: Sendable, Hashable {
    public var commonName: String
    public var organizations: [String]
    public var issuerCommonName: String
    public var alternativeNames: AlternativeNames
    public var extendedKeyUsages: Set<CertificateSpec.ExtendedUsage>
    public var isAuthority: Bool
    public var notBefore: Date
    public var notAfter: Date
    /// Lower-case hex, as `openssl x509 -serial` prints it (upper-cased there).
    public var serialHex: String

    public init(_ certificate: Certificate) {
        commonName = Self.values(of: .RDNAttributeType.commonName, in: certificate.subject).first ?? ""
        organizations = Self.values(of: .RDNAttributeType.organizationName, in: certificate.subject)
        issuerCommonName = Self.values(of: .RDNAttributeType.commonName, in: certificate.issuer).first ?? ""
        var names = AlternativeNames()
        if let sans = try? certificate.extensions.subjectAlternativeNames {
            for name in sans {
                switch name {
                case .dnsName(let dns): names.dnsNames.insert(dns.lowercased())
                case .ipAddress(let octets):
                    if let address = IPAddress(bytes: Array(octets.bytes)) { names.ipAddresses.insert(address) }
                default: break
                }
            }
        }
        alternativeNames = names
        var usages = Set<CertificateSpec.ExtendedUsage>()
        if let eku = try? certificate.extensions.extendedKeyUsage {
            if eku.contains(.serverAuth) { usages.insert(.serverAuth) }
            if eku.contains(.clientAuth) { usages.insert(.clientAuth) }
        }
        extendedKeyUsages = usages
        isAuthority = {
            if case .isCertificateAuthority = try? certificate.extensions.basicConstraints { return true }
            return false
        }()
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        serialHex = certificate.serialNumber.bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func values(of type: ASN1ObjectIdentifier, in name: DistinguishedName) -> [String] {
        name.flatMap { $0 }.filter { $0.type == type }.compactMap { String($0.value) }
    }
}
