import Foundation

/// One test node booted by `scripts/testnodes`: an address on the group's private bridge with an sshd
/// that accepts the group's test key, and a known_hosts file holding exactly its host keys.
public struct TestNode: Sendable, Hashable, Codable {
    /// Host name inside the node, e.g. `smoke-1`; also its systemd-nspawn machine name.
    public var name: String
    /// IPv4 address on the group's bridge (10.88.<slot>.<10+i>).
    public var address: String
    public var sshPort: Int
    /// The login user the test key is authorised for (`root`; `tester` also has it, with sudo).
    public var user: String
    /// Private ed25519 key that logs in as root (and as `tester`) on every node of the group.
    public var identityFile: String
    /// known_hosts with every node's ed25519 and ECDSA host keys (for `strict` host-key checking).
    public var knownHostsFile: String

    public init(name: String, address: String, sshPort: Int = 22, user: String = "root",
                identityFile: String, knownHostsFile: String) {
        self.name = name
        self.address = address
        self.sshPort = sshPort
        self.user = user
        self.identityFile = identityFile
        self.knownHostsFile = knownHostsFile
    }
}

/// How a test node is built (see docs/test-nodes.md).
public enum TestNodeKind: String, Sendable, Codable, CaseIterable {
    /// systemd as PID 1 in systemd-nspawn over a cached Debian base: systemctl, journalctl, units.
    case nspawn
    /// A network + mount namespace with sshd only (≈1.5 MB): for 50–100 node fleet benchmarks.
    case light
}
