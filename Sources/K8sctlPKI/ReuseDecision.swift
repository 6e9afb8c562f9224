import Foundation
import K8sctlModel
import X509

/// Decides whether a stored certificate still fits what the catalog asks for. Only a certificate
/// that no longer matches (subject, SANs, usages, signing CA, key algorithm) or expires within
/// `renewBeforeDays` is replaced; everything else is reused byte for byte.
enum ReuseDecision {
    /// nil: reuse it.
    static func reason(stored: IssuedCertificate, request: CertificateRequest, authority: IssuedCertificate,
                       settings: PKISettings, now: Date) -> ReissueReason? {
        let summary = stored.summary
        if !stored.keyMatches { return .keyMissingOrMismatched }
        if stored.certificate.issuer != authority.certificate.subject
            || !authority.certificate.publicKey.isValidSignature(stored.certificate.signature, for: stored.certificate) {
            return .authorityChanged
        }
        let wantedSubject = subjectText(commonName: request.commonName, organizations: request.organizations)
        let storedSubject = subjectText(commonName: summary.commonName, organizations: summary.organizations)
        if wantedSubject != storedSubject { return .subjectChanged(from: storedSubject, to: wantedSubject) }
        if summary.alternativeNames != request.alternativeNames {
            let wanted = Set(request.alternativeNames.description.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let have = Set(summary.alternativeNames.description.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            return .alternativeNamesChanged(added: wanted.subtracting(have).sorted(), removed: have.subtracting(wanted).sorted())
        }
        if summary.extendedKeyUsages != request.extendedKeyUsages || summary.isAuthority { return .usagesChanged }
        if stored.privateKey.algorithm != settings.keyAlgorithm { return .keyAlgorithmChanged }
        if expiresSoon(summary.notAfter, settings: settings, now: now) { return .expiresSoon(notAfter: summary.notAfter) }
        return nil
    }

    /// Expired, or (when renewal is on) within `renewBeforeDays` of expiry.
    static func expiresSoon(_ notAfter: Date, settings: PKISettings, now: Date) -> Bool {
        notAfter <= now || notAfter.timeIntervalSince(now) < TimeInterval(settings.renewBeforeDays) * 86_400
    }

    static func subjectText(commonName: String, organizations: [String]) -> String {
        (organizations.sorted().map { "O=" + $0 } + ["CN=" + commonName]).joined(separator: ", ")
    }
}
