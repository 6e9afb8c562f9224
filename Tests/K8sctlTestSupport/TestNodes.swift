import Foundation

/// Boots and tears down test nodes through `scripts/testnodes` (root only).
public enum TestNodes {
    /// `scripts/testnodes` in this repository.
    public static var script: URL { RepositoryPaths.root.appendingPathComponent("scripts/testnodes") }

    /// Why nodes of `kind` cannot be booted on this machine, or nil when they can.
    public static func skipReason(_ kind: TestNodeKind = .nspawn) -> String? {
        if getuid() != 0 { return "test nodes need root (bridges, namespaces, overlay mounts)" }
        for tool in ["ip", "unshare", "ssh", "ssh-keygen", "jq", "/usr/sbin/sshd"] where !ProcessRunner.isAvailable(tool) {
            return "test nodes need \(tool) (apt-get install -y iproute2 util-linux openssh-client openssh-server jq)"
        }
        if kind == .nspawn {
            if !ProcessRunner.isAvailable("systemd-nspawn") {
                return "nspawn test nodes need systemd-nspawn (apt-get install -y systemd-container)"
            }
            if !ProcessRunner.isAvailable("debootstrap") {
                return "nspawn test nodes need debootstrap to build their base (apt-get install -y debootstrap)"
            }
        }
        return nil
    }

    /// Whether nspawn test nodes can be booted here (see `skipReason` for why not).
    public static var canBoot: Bool { skipReason(.nspawn) == nil }
    /// Whether light test nodes can be booted here.
    public static var canBootLight: Bool { skipReason(.light) == nil }

    /// Boots `count` nodes named `<prefix>-1…` and returns them once every node answers ssh.
    /// A group left over from a crashed run with the same prefix is torn down first.
    /// - Parameters:
    ///   - prefix: 1–8 lower-case letters/digits; distinct per concurrently running test.
    /// - Throws: `TestNodeError` when the script fails (its stderr included) or nodes.json is unreadable.
    public static func boot(count: Int, kind: TestNodeKind = .nspawn, prefix: String) throws -> TestNodeCluster {
        try runScript(["down", "--name", prefix])
        let output = try runScript(["up", "--nodes", String(count), "--name", prefix, "--kind", kind.rawValue])
        let path = output.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return try load(nodesJSON: URL(fileURLWithPath: path))
    }

    /// Boots nodes, runs `body`, and tears them down whether `body` returns or throws.
    public static func with<T>(count: Int, kind: TestNodeKind = .nspawn, prefix: String,
                               _ body: (TestNodeCluster) throws -> T) throws -> T {
        let cluster = try boot(count: count, kind: kind, prefix: prefix)
        defer { try? cluster.shutdown() }
        return try body(cluster)
    }

    /// Reads a `nodes.json` written by `testnodes up`.
    public static func load(nodesJSON url: URL) throws -> TestNodeCluster {
        do {
            return try JSONDecoder().decode(TestNodeCluster.self, from: Data(contentsOf: url))
        } catch {
            throw TestNodeError.unreadableNodesJSON(path: url.path, reason: "\(error)")
        }
    }

    @discardableResult
    static func runScript(_ arguments: [String]) throws -> ProcessOutput {
        let output = try ProcessRunner.run("/bin/bash", [script.path] + arguments)
        guard output.succeeded else {
            throw TestNodeError.scriptFailed(arguments: arguments, status: output.status, stderr: output.stderr)
        }
        return output
    }
}

/// Why booting or tearing down test nodes failed.
public enum TestNodeError: Error, CustomStringConvertible {
    case scriptFailed(arguments: [String], status: Int32, stderr: String)
    case unreadableNodesJSON(path: String, reason: String)

    public var description: String {
        switch self {
        case let .scriptFailed(arguments, status, stderr):
            "scripts/testnodes \(arguments.joined(separator: " ")) exited \(status):\n\(stderr)"
        case let .unreadableNodesJSON(path, reason):
            "cannot read \(path): \(reason)"
        }
    }
}
