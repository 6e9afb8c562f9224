import Crypto
import Foundation

/// Which host key algorithms known_hosts already holds for a host, read before the handshake so the
/// server is asked for a key we can verify — what OpenSSH does. Without it, a host recorded only
/// with its ECDSA key (`ssh-keyscan -t ecdsa`) would present ed25519 and look changed.
enum KnownHostKeyTypes {
    /// Algorithms recorded for `address:port` (plain or hashed entries; wildcard patterns and
    /// `@cert-authority`/`@revoked` lines are not considered), in file order, without duplicates.
    static func recorded(in text: String, address: String, port: Int) -> [String] {
        let name = port == 22 ? address : "[\(address)]:\(port)"
        var types: [String] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 3, !fields[0].hasPrefix("#"), !fields[0].hasPrefix("@") else { continue }
            let matches = fields[0].split(separator: ",").contains { pattern in
                pattern.hasPrefix("|1|") ? hashedMatch(String(pattern), name: name) : pattern == name
            }
            if matches, !types.contains(String(fields[1])) { types.append(String(fields[1])) }
        }
        return types
    }

    /// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, OpenSSH's HashKnownHosts format.
    static func hashedMatch(_ pattern: String, name: String) -> Bool {
        let parts = pattern.split(separator: "|", omittingEmptySubsequences: true)
        guard parts.count == 3, let salt = Data(base64Encoded: String(parts[1])),
              let expected = Data(base64Encoded: String(parts[2])) else { return false }
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(name.utf8), using: SymmetricKey(data: salt))
        return Data(code) == expected
    }

    /// `preference` reordered so recorded algorithms come first (RSA keys are recorded as
    /// `ssh-rsa` but negotiated as rsa-sha2-*).
    static func preference(_ preference: String, recorded: [String]) -> String {
        let all = preference.split(separator: ",").map(String.init)
        let known = all.filter { algorithm in
            recorded.contains(algorithm) || (recorded.contains("ssh-rsa") && algorithm.hasPrefix("rsa-sha2-"))
        }
        return (known + all.filter { !known.contains($0) }).joined(separator: ",")
    }
}
