import Foundation

/// A group of booted test nodes, as described by the `nodes.json` that `scripts/testnodes up` writes.
/// Call `shutdown()` when done (or use `TestNodes.with`), also when the test fails.
public struct TestNodeCluster: Sendable, Codable {
    public var prefix: String
    public var kind: TestNodeKind
    /// Linux bridge the nodes hang off, e.g. `k8sbr0`; this machine is `gateway` on it.
    public var bridge: String
    public var gateway: String
    /// `/run/k8sctl-testnodes/<prefix>`: keys, known_hosts, ssh_config, nodes.json, boot logs.
    public var stateDirectory: String
    public var identityFile: String
    public var knownHostsFile: String
    /// An OpenSSH client config with a `Host <node name>` entry per node (for ansible and humans).
    public var sshConfigFile: String
    public var nodes: [TestNode]

    /// The node called `name`.
    public func node(_ name: String) -> TestNode? { nodes.first { $0.name == name } }

    /// Runs `argv` on `node` with the system OpenSSH client, the test key and strict host-key checking.
    /// Each argument is single-quoted for the remote shell, so spaces and `$` arrive unchanged.
    /// - Throws: if the ssh client cannot be started; a failing remote command is a non-zero `status`.
    @discardableResult
    public func ssh(_ node: TestNode, _ argv: [String], stdin: String? = nil) throws -> ProcessOutput {
        try ProcessRunner.run("/usr/bin/ssh", Self.sshOptions(for: node) + ["\(node.user)@\(node.address)", "--"]
                                  + [argv.map(Self.shellQuoted).joined(separator: " ")],
                              stdin: stdin)
    }

    /// Runs a shell command line (pipes, redirections…) on `node`.
    @discardableResult
    public func shell(_ node: TestNode, _ commandLine: String, stdin: String? = nil) throws -> ProcessOutput {
        try ProcessRunner.run("/usr/bin/ssh", Self.sshOptions(for: node)
                                  + ["\(node.user)@\(node.address)", "--", commandLine], stdin: stdin)
    }

    /// Copies a local file to `remotePath` on `node` with scp (binary-safe), then sets its mode.
    /// - Throws: `TestNodeError.scriptFailed` when scp or chmod fails.
    public func copy(_ localPath: String, to node: TestNode, at remotePath: String, mode: String = "0755") throws {
        let options = Self.sshOptions(for: node).map { $0 == "-p" ? "-P" : $0 }
        let copied = try ProcessRunner.run("/usr/bin/scp", ["-q"] + options + [localPath, "\(node.user)@\(node.address):\(remotePath)"])
        guard copied.succeeded else {
            throw TestNodeError.scriptFailed(arguments: ["scp", localPath, remotePath], status: copied.status, stderr: copied.stderr)
        }
        let chmod = try ssh(node, ["chmod", mode, remotePath])
        guard chmod.succeeded else {
            throw TestNodeError.scriptFailed(arguments: ["chmod", mode, remotePath], status: chmod.status, stderr: chmod.stderr)
        }
    }

    /// Pulls the plug on an nspawn node: every process dies at once, the disk stays. Connections to it
    /// see silence (no reset) until it boots again.
    public func powerOff(_ node: TestNode) throws {
        try TestNodes.runScript(["poweroff", node.name])
    }

    /// Boots a powered-off nspawn node again (same disk, host keys and address) and returns once its
    /// sshd answers.
    public func boot(_ node: TestNode) throws {
        try TestNodes.runScript(["boot", node.name])
    }

    /// Tears the group down (processes, overlays, bridge, state). Idempotent.
    /// - Throws: `TestNodeError.scriptFailed` when `testnodes down` fails.
    public func shutdown() throws {
        try TestNodes.runScript(["down", "--name", prefix])
    }

    /// OpenSSH client options that log into `node` with its test key and nothing else.
    public static func sshOptions(for node: TestNode) -> [String] {
        ["-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "StrictHostKeyChecking=yes",
         "-o", "UserKnownHostsFile=\(node.knownHostsFile)", "-o", "GlobalKnownHostsFile=/dev/null",
         "-o", "IdentitiesOnly=yes", "-i", node.identityFile, "-o", "LogLevel=ERROR",
         "-p", String(node.sshPort)]
    }

    static func shellQuoted(_ argument: String) -> String {
        "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
