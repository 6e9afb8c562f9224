import Foundation
import K8sctlTestSupport

/// Network namespaces for etcd members, joined by a bridge that lives in a namespace of its own,
/// so no address is ever configured on the machine's own network. Needs root and iproute2.
/// Addresses are private ones inside these namespaces only.
final class EtcdTestNetwork: @unchecked Sendable {
    let prefix: String
    let hub: String
    private(set) var members: [String] = []

    static var isUsable: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/etcdctl")
    }

    init() throws {
        prefix = "k8r\(getpid() % 100000)"
        hub = "\(prefix)-hub"
        try ip(["netns", "add", hub])
        try ip(["-n", hub, "link", "add", "br0", "type", "bridge"])
        try ip(["-n", hub, "link", "set", "br0", "up"])
    }

    @discardableResult
    private func ip(_ arguments: [String]) throws -> ProcessOutput {
        let result = try ProcessRunner.run("/usr/sbin/ip", arguments)
        guard result.succeeded else { throw NetworkError(message: "ip \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result
    }

    struct NetworkError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    /// A namespace with `address`/24 on eth0 (bridged to the others) and loopback up.
    func addMember(index: Int, address: String) throws -> String {
        let namespace = "\(prefix)-m\(index)"
        try ip(["netns", "add", namespace])
        members.append(namespace)
        let outside = "\(prefix)v\(index)"
        try ip(["-n", hub, "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", namespace])
        try ip(["-n", hub, "link", "set", outside, "master", "br0", "up"])
        try ip(["-n", namespace, "addr", "add", "\(address)/24", "dev", "eth0"])
        try ip(["-n", namespace, "link", "set", "eth0", "up"])
        try ip(["-n", namespace, "link", "set", "lo", "up"])
        return namespace
    }

    func tearDown() {
        for namespace in members + [hub] { _ = try? ProcessRunner.run("/usr/sbin/ip", ["netns", "delete", namespace]) }
    }
}
