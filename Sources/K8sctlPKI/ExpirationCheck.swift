import Foundation
import X509

/// Expiry of every certificate found under a directory: `*.crt`/`*.pem` files and the
/// base64-embedded certificates of kubeconfigs (`*.conf`). Works on a rendered tree, a PKI store,
/// or a copy of a node's /etc/kubernetes. Backs `k8sctl certs check-expiration`.
public enum ExpirationCheck {
    public enum Status: String, Sendable, Codable { case ok, expiring, expired }

    public struct Row: Sendable, Hashable, Codable {
        /// The host the certificate was read on (`certs check-expiration INVENTORY`); nil for a local scan.
        public var host: String?
        /// The file, relative to the scanned directory; `admin.conf#client-certificate-data` for kubeconfigs.
        public var path: String
        public var commonName: String
        public var isAuthority: Bool
        public var notAfter: Date
        /// Whole days left (negative once expired).
        public var residualDays: Int
        public var status: Status
    }

    /// - Parameters:
    ///   - directory: the tree to scan, recursively.
    ///   - warnWithinDays: certificates expiring within this many days are `expiring`.
    /// - Throws: `PKIError.unreadable` for a file that claims to hold a certificate but does not parse.
    public static func scan(directory: URL, now: Date = Date(), warnWithinDays: Int = 30) throws -> [Row] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw PKIError.fileSystem(path: directory.path, operation: "scan", errno: ENOENT)
        }
        let base = directory.standardizedFileURL.path
        var rows: [Row] = []
        for case let url as URL in enumerator {
            let relative = String(url.standardizedFileURL.path.dropFirst(base.count)).trimmingCharacters(in: ["/"])
            guard ["crt", "pem", "conf", "kubeconfig"].contains(url.pathExtension),
                  let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            rows += try self.rows(in: text, path: relative, now: now, warnWithinDays: warnWithinDays)
        }
        return rows.sorted { $0.path < $1.path }
    }

    /// The certificates of one file by its name: a `*.crt`/`*.pem` certificate (its first block), or the
    /// embedded `client-certificate-data`/`certificate-authority-data` of a kubeconfig (`*.conf`,
    /// `*.kubeconfig`, reported as `path#field`). Other files, and `.crt`/`.pem` files holding no
    /// certificate, give no rows. Shared by the directory scan and the live check on hosts.
    /// - Throws: `PKIError.unreadable` for a certificate that does not parse.
    public static func rows(in text: String, path: String, now: Date = Date(), warnWithinDays: Int = 30) throws -> [Row] {
        switch URL(fileURLWithPath: path).pathExtension {
        case "crt", "pem":
            guard text.contains("BEGIN CERTIFICATE") else { return [] }
            return [try row(pem: text, path: path, now: now, warnWithinDays: warnWithinDays)]
        case "conf", "kubeconfig":
            var rows: [Row] = []
            for line in text.split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                for field in ["client-certificate-data", "certificate-authority-data"] where trimmed.hasPrefix(field + ":") {
                    let encoded = trimmed.dropFirst(field.count + 1).trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
                    guard let data = Data(base64Encoded: encoded) else {
                        throw PKIError.unreadable(path: path, reason: "\(field) is not base64")
                    }
                    rows.append(try row(pem: String(decoding: data, as: UTF8.self), path: path + "#" + field,
                                        now: now, warnWithinDays: warnWithinDays))
                }
            }
            return rows
        default:
            return []
        }
    }

    static func row(pem: String, path: String, now: Date, warnWithinDays: Int) throws -> Row {
        let certificate: Certificate
        do {
            certificate = try Certificate(pemEncoded: firstCertificateBlock(pem))
        } catch {
            throw PKIError.unreadable(path: path, reason: "not a PEM certificate (\(error))")
        }
        let summary = CertificateSummary(certificate)
        let seconds = certificate.notValidAfter.timeIntervalSince(now)
        let days = Int((seconds / 86_400).rounded(.down))
        let status: Status = seconds <= 0 ? .expired : seconds < TimeInterval(warnWithinDays) * 86_400 ? .expiring : .ok
        return Row(host: nil, path: path, commonName: summary.commonName, isAuthority: summary.isAuthority,
                   notAfter: certificate.notValidAfter, residualDays: days, status: status)
    }

    /// A bundle's first certificate (a chain file lists the leaf first).
    static func firstCertificateBlock(_ pem: String) -> String {
        guard let start = pem.range(of: "-----BEGIN CERTIFICATE-----"),
              let end = pem.range(of: "-----END CERTIFICATE-----", range: start.upperBound..<pem.endIndex) else { return pem }
        return String(pem[start.lowerBound..<end.upperBound])
    }
}
