// Anything that can hold a private key prints without it, so a `print`, a log line or a failing
// test's `#expect` output never leaks key material.

extension ClientCredential: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "ClientCredential(user: \(userName), key: <redacted>)" }
    public var debugDescription: String { description }
}

extension HostCredentials: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "HostCredentials(host: \(host), files: \(files.map(\.path)), kubeconfigs: \(kubeconfigs.keys.sorted()))"
    }
    public var debugDescription: String { description }
}

extension NodeFile: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "NodeFile(\(path), mode: \(String(mode, radix: 8)), \(content.count) bytes\(isSecret ? ", secret: <redacted>" : ""))"
    }
    public var debugDescription: String { description }
}
