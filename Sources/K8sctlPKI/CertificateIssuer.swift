import Foundation
import K8sctlModel
import SwiftASN1
import X509

/// Signs certificate authorities and leaves with the cluster's PKI settings.
public struct CertificateIssuer: Sendable {
    public var settings: PKISettings
    /// The instant certificates start from; injected so tests can age a PKI.
    public var now: Date

    /// Certificates start a little in the past so a node whose clock lags the machine running
    /// k8sctl does not reject a certificate that is "not yet valid".
    public static let clockSkewAllowance: TimeInterval = 5 * 60

    public init(settings: PKISettings, now: Date = Date()) {
        self.settings = settings
        self.now = now
    }

    /// A self-signed authority valid for `caValidityDays`.
    public func issueAuthority(_ request: CertificateRequest) throws -> IssuedCertificate {
        let key = try PrivateKeyMaterial.generate(settings.keyAlgorithm)
        let subject = try Self.distinguishedName(commonName: request.commonName, organizations: request.organizations)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: settings.keyAlgorithm == .rsa2048, keyCertSign: true))
            SubjectKeyIdentifier(hash: key.publicKey)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now - Self.clockSkewAllowance,
            notValidAfter: now + TimeInterval(settings.caValidityDays) * 86_400,
            issuer: subject, subject: subject, extensions: extensions, issuerPrivateKey: key.key)
        return try IssuedCertificate(certificate: certificate, privateKey: key)
    }

    /// A leaf signed by `authority`, valid for `certificateValidityDays` but never past the authority.
    public func issue(_ request: CertificateRequest, by authority: IssuedCertificate) throws -> IssuedCertificate {
        let key = try PrivateKeyMaterial.generate(settings.keyAlgorithm)
        let subject = try Self.distinguishedName(commonName: request.commonName, organizations: request.organizations)
        let authorityKeyID = (try? authority.certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: authority.certificate.publicKey).keyIdentifier
        let usages = request.extendedKeyUsages.sorted { $0.rawValue > $1.rawValue }.map { usage -> ExtendedKeyUsage.Usage in
            switch usage {
            case .serverAuth: .serverAuth
            case .clientAuth: .clientAuth
            }
        }
        let names = request.alternativeNames.sortedDNSNames.map { GeneralName.dnsName($0) }
            + request.alternativeNames.sortedIPAddresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0.bytes[...])) }
        var extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            // keyEncipherment only means something for RSA keys (RSA key transport); ECDSA cannot encipher.
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: settings.keyAlgorithm == .rsa2048))
            try ExtendedKeyUsage(usages)
            SubjectKeyIdentifier(hash: key.publicKey)
            AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
        }
        if !names.isEmpty { try extensions.append(Certificate.Extension(SubjectAlternativeNames(names), critical: false)) }
        let notAfter = min(now + TimeInterval(settings.certificateValidityDays) * 86_400,
                           authority.certificate.notValidAfter)
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now - Self.clockSkewAllowance, notValidAfter: notAfter,
            issuer: authority.certificate.subject, subject: subject, extensions: extensions,
            issuerPrivateKey: authority.privateKey.key)
        return try IssuedCertificate(certificate: certificate, privateKey: key)
    }

    /// Go's crypto/x509 (and so kubeadm) writes O before CN; openssl then prints `O = …, CN = …`.
    static func distinguishedName(commonName: String, organizations: [String]) throws -> DistinguishedName {
        var rdns = organizations.map {
            RelativeDistinguishedName(.init(type: .RDNAttributeType.organizationName, utf8String: $0))
        }
        rdns.append(RelativeDistinguishedName(.init(type: .RDNAttributeType.commonName, utf8String: commonName)))
        return DistinguishedName(rdns)
    }
}
