import Foundation
import K8sctlTestSupport

/// `k8sctl apply --output json` running in the background: its events are read as they arrive, so a
/// test can act at a point of the run (after the k-th step) instead of after a wall-clock delay.
final class BackgroundApply: @unchecked Sendable {
    let process = Process()
    private let condition = NSCondition()
    private var lines: [String] = []
    private var finished = false
    private var errorText = Data()

    init(_ arguments: [String]) throws {
        process.executableURL = K8sctlBinary.url
        process.arguments = arguments + ["--output", "json"]
        process.currentDirectoryURL = RepositoryPaths.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        Thread.detachNewThread { [self] in
            var pending = Data()
            while true {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    condition.lock(); lines.append(line); condition.broadcast(); condition.unlock()
                }
            }
            condition.lock(); finished = true; condition.broadcast(); condition.unlock()
        }
        Thread.detachNewThread { [self] in
            let data = err.fileHandleForReading.readDataToEndOfFile()
            condition.lock(); errorText = data; condition.unlock()
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Blocks until an event satisfies `matches` (returns it) or the run's output ends (nil).
    func waitForEvent(_ matches: ([String: Any]) -> Bool) -> [String: Any]? {
        var seen = 0
        condition.lock()
        defer { condition.unlock() }
        while true {
            while seen < lines.count {
                let line = lines[seen]
                seen += 1
                if let event = Self.parse(line), matches(event) { return event }
            }
            if finished { return nil }
            condition.wait()
        }
    }

    /// Waits for the process and returns its exit status, every stdout line and stderr.
    func finish() -> (status: Int32, lines: [String], stderr: String) {
        process.waitUntilExit()
        condition.lock()
        while !finished { condition.wait() }
        let result = (process.terminationStatus, lines, String(decoding: errorText, as: UTF8.self))
        condition.unlock()
        return result
    }

    static func parse(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
}

/// Watches etcd quorum from this machine while an apply runs: every ~0.5 s `etcdctl endpoint health`
/// against every member (a linearizable read, so a member answers only while a majority commits).
/// A sample counts as quorum lost only when no member answers, twice in a row (the second try with
/// a longer timeout), so a slow answer on this loaded machine is not taken for an outage.
final class QuorumMonitor: @unchecked Sendable {
    struct Report: CustomStringConvertible {
        var samples = 0
        var lost = 0
        /// Samples before etcd first answered (a fresh install forms it during the run).
        var beforeFormed = 0
        var lostDetails: [String] = []
        var description: String { "\(samples) samples, \(lost) without quorum" + (beforeFormed > 0 ? ", \(beforeFormed) before etcd formed" : "") }
    }

    private let lock = NSLock()
    private var running = true
    private var report = Report()
    private var formed: Bool
    private let done = DispatchSemaphore(value: 0)

    /// Starts sampling at once.
    /// - Parameters:
    ///   - endpoints: member addresses, asked before each sample (a scale test changes them).
    ///   - certificates: a directory for `ca.crt`, `healthcheck-client.crt`, `healthcheck-client.key`;
    ///     `fetch` fills it (true once it did), retried until a member has them.
    ///   - formed: false when etcd does not exist yet: samples before it first answers do not count.
    init(endpoints: @escaping @Sendable () -> [String], certificates: URL, fetch: @escaping @Sendable () -> Bool,
         formed: Bool = true) {
        self.formed = formed
        Thread.detachNewThread { [self] in
            var haveCertificates = FileManager.default.fileExists(atPath: certificates.appendingPathComponent("ca.crt").path)
            while isRunning {
                if !haveCertificates { haveCertificates = fetch() }
                if haveCertificates {
                    let targets = endpoints()
                    let ok = Self.healthy(targets, certificates: certificates, timeout: "2s")
                        || Self.healthy(targets, certificates: certificates, timeout: "5s")
                    record(ok: ok, endpoints: targets)
                } else {
                    record(ok: nil, endpoints: [])
                }
                Thread.sleep(forTimeInterval: 0.5)
            }
            done.signal()
        }
    }

    private var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running }

    private func record(ok: Bool?, endpoints: [String]) {
        lock.lock(); defer { lock.unlock() }
        report.samples += 1
        guard let ok else { report.beforeFormed += 1; return }
        if ok { formed = true; return }
        if !formed { report.beforeFormed += 1; return }
        report.lost += 1
        if report.lostDetails.count < 5 {
            report.lostDetails.append("\(ISO8601DateFormatter().string(from: Date())) no member of \(endpoints) answered")
        }
    }

    func stop() -> Report {
        lock.lock(); running = false; lock.unlock()
        done.wait()
        lock.lock(); defer { lock.unlock() }
        return report
    }

    static func healthy(_ endpoints: [String], certificates: URL, timeout: String) -> Bool {
        guard !endpoints.isEmpty else { return false }
        let output = try? ProcessRunner.run("/usr/bin/etcdctl", [
            "--endpoints=" + endpoints.map { "https://\($0):2379" }.joined(separator: ","),
            "--cacert=\(certificates.path)/ca.crt", "--cert=\(certificates.path)/healthcheck-client.crt",
            "--key=\(certificates.path)/healthcheck-client.key", "--command-timeout=\(timeout)", "--dial-timeout=\(timeout)",
            "endpoint", "health",
        ], environment: ["ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"])
        return ((output?.stdout ?? "") + (output?.stderr ?? "")).contains("is healthy")
    }

    /// Copies the etcd CA and health-check client certificate from `node` into `directory` (0700);
    /// false while the node does not have them yet.
    static func fetchCertificates(_ cluster: TestNodeCluster, from node: TestNode, into directory: URL) -> Bool {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for name in ["ca.crt", "healthcheck-client.crt", "healthcheck-client.key"] {
            guard let out = try? cluster.ssh(node, ["cat", "/etc/kubernetes/pki/etcd/\(name)"]), out.succeeded, !out.stdout.isEmpty else { return false }
            let path = directory.appendingPathComponent(name).path
            guard FileManager.default.createFile(atPath: path, contents: Data(out.stdout.utf8), attributes: [.posixPermissions: 0o600]) else { return false }
        }
        return true
    }
}

/// Checksums of the managed files: what `k8sctl render` produces for an inventory (per host, path →
/// sha256), and what a node holds.
enum ManagedFiles {
    /// `k8sctl render INVENTORY -o DIR`, then sha256 of every file, by host and node path.
    static func rendered(_ inventory: URL, into directory: URL) throws -> [String: [String: String]] {
        try? FileManager.default.removeItem(at: directory)
        let render = try K8sctlBinary.run(["render", inventory.path, "-o", directory.path])
        guard render.succeeded else { throw FaultTrialError("render failed: \(render.stderr)") }
        var result: [String: [String: String]] = [:]
        for host in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let sums = try ProcessRunner.run("/bin/sh", ["-c", "cd \"$1\" && find . -type f -exec sha256sum {} +", "sh",
                                                          directory.appendingPathComponent(host).path])
            for line in sums.stdout.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let path = String(parts[1].trimmingCharacters(in: .whitespaces).dropFirst())  // "./etc/…" → "/etc/…"
                result[host, default: [:]][path] = String(parts[0])
            }
        }
        return result
    }

    /// sha256 of each path on `node`, `nil` for a path that is not a regular file.
    static func onNode(_ cluster: TestNodeCluster, _ node: TestNode, paths: [String]) throws -> [String: String?] {
        let out = try retryingSSH { try cluster.shell(node, #"while IFS= read -r p; do if [ -f "$p" ]; then s=$(sha256sum < "$p"); echo "${s%% *} $p"; else echo "- $p"; fi; done"#,
                                                      stdin: paths.joined(separator: "\n") + "\n") }
        var sums: [String: String?] = [:]
        for line in out.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            sums[parts[1]] = parts[0] == "-" ? nil : parts[0]
        }
        return sums
    }

    /// Whether the node's `/etc/etcd/etcd.env` equals the rendered one apart from the bootstrap-only
    /// lines (`ETCD_INITIAL_CLUSTER…`, read only on a member's first start).
    static func withoutBootstrapLines(_ cluster: TestNodeCluster, _ node: TestNode, rendered: URL) throws -> Bool {
        let strip = { (text: String) in text.split(separator: "\n").filter { !$0.hasPrefix("ETCD_INITIAL_CLUSTER") && !$0.hasPrefix("# initial-cluster-state") } }
        let local = try String(contentsOf: rendered, encoding: .utf8)
        let remote = try retryingSSH { try cluster.ssh(node, ["cat", "/etc/etcd/etcd.env"]) }
        return remote.succeeded && strip(remote.stdout) == strip(local)
    }

    /// Temp files and staging directories a writer leaves while it works (`.NAME.k8sctl-PID`,
    /// `.k8sctl-TOKEN`) and anything in the static-pod directory that is not a managed manifest
    /// (what a kubelet would read).
    /// The roots searched are fixed ones plus `directories` (those of the node's managed files), so
    /// a staging directory in a directory outside the fixed roots is found too.
    static func leftovers(_ cluster: TestNodeCluster, _ node: TestNode, manifests: Set<String>,
                          directories: [String] = []) throws -> [String] {
        let roots = Set(["/etc", "/var/lib/kubelet", "/var/lib/k8sctl", "/usr/local"] + directories).sorted()
        let script = #"""
            for d do shift; [ -d "$d" ] && set -- "$@" "$d"; done
            find "$@" \( -name '.*.k8sctl-*' -o -name '.k8sctl-*' \) -print 2>/dev/null | sort -u
            ls -A /etc/kubernetes/manifests 2>/dev/null | sed 's|^|/etc/kubernetes/manifests/|'
            """#
        let out = try retryingSSH { try cluster.ssh(node, ["sh", "-c", script, "sh"] + roots) }
        return out.stdout.split(separator: "\n").map(String.init).filter { path in
            path.contains(".k8sctl-") || (path.hasPrefix("/etc/kubernetes/manifests/") && !manifests.contains(path))
        }.sorted()
    }

    /// The directories holding `paths`, plus the state directories (`/var/lib/k8sctl`, its revisions).
    static func directories(of paths: [String]) -> [String] {
        Set(paths.map { String($0[..<($0.lastIndex(of: "/") ?? $0.startIndex)]) }.filter { !$0.isEmpty }
            + ["/var/lib/k8sctl", "/var/lib/k8sctl/revisions"]).sorted()
    }

    /// A node whose sshd was just killed answers again within seconds: retry the test's own ssh.
    static func retryingSSH(_ body: () throws -> ProcessOutput) throws -> ProcessOutput {
        var last = try body()
        for _ in 0..<20 where last.status == 255 {
            Thread.sleep(forTimeInterval: 0.5)
            last = try body()
        }
        return last
    }
}

struct FaultTrialError: Error, CustomStringConvertible {
    var description: String
    init(_ text: String) { description = text }
}

/// Seeds and trial counts from the environment, printed so a failing run can be repeated.
enum TrialSettings {
    /// `NAME` as a decimal or 0x-hex seed, else `fallback`.
    static func seed(_ name: String, default fallback: UInt64) -> UInt64 {
        guard let text = ProcessInfo.processInfo.environment[name] else { return fallback }
        if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) ?? fallback }
        return UInt64(text) ?? fallback
    }

    /// `NAME` if set, else `long` under `K8SCTL_LONG=1`, else `short`.
    static func count(_ name: String, short: Int, long: Int) -> Int {
        let environment = ProcessInfo.processInfo.environment
        if let text = environment[name], let value = Int(text) { return value }
        return environment["K8SCTL_LONG"] == "1" ? long : short
    }

    static func log(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
