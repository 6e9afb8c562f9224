import Foundation

/// Why the PKI could not be ensured. Each case says what was found and what to do about it.
public enum PKIError: Error, Sendable, Equatable {
    /// A file in the store could not be read, written or created.
    case fileSystem(path: String, operation: String, errno: Int32)
    /// A host name cannot be used as a directory name in the store.
    case unsafeHostName(String)
    /// An authority exists in the store but cannot be used; k8sctl refuses to mint a new one over it.
    case authorityUnusable(name: String, path: String, reason: String)
    /// A stored file is not PEM k8sctl can read.
    case unreadable(path: String, reason: String)
    /// Issuing failed for these certificates (collected over the parallel run, not first-wins).
    case issueFailed([String])
}

extension PKIError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .fileSystem(path, operation, code):
            return "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        case let .unsafeHostName(name):
            return "host name '\(name)' cannot name a directory in the PKI store (it contains '/' or is '.'/'..'); rename the host in the inventory"
        case let .authorityUnusable(name, path, reason):
            return "certificate authority '\(name)' at \(path) is unusable: \(reason). k8sctl never replaces an existing CA on its own: restore the CA from backup, or move the directory away to deliberately start a new PKI (every certificate will be re-issued)"
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .issueFailed(failures):
            return "issuing failed for \(failures.count) certificate(s): " + failures.joined(separator: "; ")
        }
    }
}
