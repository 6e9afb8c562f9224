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

    /// A group prefix for this test process (8 characters, the script's limit): 2 letters of `base`,
    /// 2 characters hashed from all of `base` (so `lcup` and `lcupg` differ), and 4 from the pid, so two
    /// test runs on one machine (a developer's and another worktree's) never share a group.
    public static func uniquePrefix(_ base: String) -> String {
        func base36(_ value: UInt32, width: Int) -> String {
            let text = String(value, radix: 36)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        // FNV-1a: stable across processes, unlike Hasher.
        let hash = base.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
        return String(base.prefix(2)) + base36(hash % 1296, width: 2) + base36(UInt32(getpid()) % 1_679_616, width: 4)
    }

    /// Boots `count` nodes named `<prefix>-1…` and returns them once every node answers ssh.
    /// Groups left over by test processes that no longer run (crashed or killed) are torn down first;
    /// a group with the same prefix owned by a live process is an error, never torn down.
    /// - Parameters:
    ///   - prefix: 1–8 lower-case letters/digits; `uniquePrefix(_:)` by default.
    /// - Throws: `TestNodeError` when the script fails (its stderr included), the prefix is in use,
    ///   or nodes.json is unreadable.
    public static func boot(count: Int, kind: TestNodeKind = .nspawn, prefix: String = uniquePrefix("tn")) throws -> TestNodeCluster {
        try removeGroupsOfDeadOwners()
        if let owner = owner(of: prefix), owner != getpid() {
            throw TestNodeError.prefixInUse(prefix: prefix, ownerPID: owner)
        }
        try runScript(["down", "--name", prefix])
        let output = try runScript(["up", "--nodes", String(count), "--name", prefix, "--kind", kind.rawValue],
                                   environment: ["TESTNODES_OWNER_PID": String(getpid())])
        let path = output.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return try load(nodesJSON: URL(fileURLWithPath: path))
    }

    /// Boots nodes, runs `body`, and tears them down whether `body` returns or throws.
    public static func with<T>(count: Int, kind: TestNodeKind = .nspawn, prefix: String = uniquePrefix("tn"),
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

    /// The live process that booted group `prefix`, if any.
    static func owner(of prefix: String) -> Int32? {
        guard let text = try? String(contentsOfFile: "/run/k8sctl-testnodes/\(prefix)/owner", encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0 else { return nil }
        return pid
    }

    /// Tears down every group whose recorded owner process is gone (a crashed or killed test run).
    static func removeGroupsOfDeadOwners() throws {
        let root = "/run/k8sctl-testnodes"
        for prefix in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where !prefix.hasPrefix(".") {
            guard let text = try? String(contentsOfFile: "\(root)/\(prefix)/owner", encoding: .utf8),
                  let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { try runScript(["down", "--name", prefix]) }
        }
    }

    @discardableResult
    static func runScript(_ arguments: [String], environment: [String: String]? = nil) throws -> ProcessOutput {
        let output = try ProcessRunner.run("/bin/bash", [script.path] + arguments, environment: environment)
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
    case prefixInUse(prefix: String, ownerPID: Int32)

    public var description: String {
        switch self {
        case let .scriptFailed(arguments, status, stderr):
            "scripts/testnodes \(arguments.joined(separator: " ")) exited \(status):\n\(stderr)"
        case let .unreadableNodesJSON(path, reason):
            "cannot read \(path): \(reason)"
        case let .prefixInUse(prefix, ownerPID):
            "test node group '\(prefix)' is up and owned by running process \(ownerPID); use another prefix " +
                "(TestNodes.uniquePrefix) or stop it: scripts/testnodes down --name \(prefix)"
        }
    }
}
