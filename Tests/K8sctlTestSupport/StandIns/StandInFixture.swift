import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real single-member etcd with client-certificate TLS on loopback, certificates made with openssl,
/// and helpers to run the API server and kubelet stand-ins against it (host only, no test nodes).
/// Call `stop()` when done; it kills every process the fixture started.
public final class StandInFixture: @unchecked Sendable {
    public let directory: URL
    public let etcdPort: Int
    private var processes: [Process] = []
    private let lock = NSLock()

    /// Creates the CA and certificates (etcd server, apiserver-etcd-client, apiserver, admin) and starts etcd.
    /// - Throws: `TestArtifactError` when openssl or etcd fails.
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("standins-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        etcdPort = try Self.freePort()
        try makeCertificates()
        let peerPort = try Self.freePort()
        try start("/usr/bin/etcd", [
            "--name", "standin-test", "--data-dir", path("etcd-data"), "--logger=zap",
            "--listen-client-urls", "https://127.0.0.1:\(etcdPort)",
            "--advertise-client-urls", "https://127.0.0.1:\(etcdPort)",
            "--listen-peer-urls", "http://127.0.0.1:\(peerPort)",
            "--initial-advertise-peer-urls", "http://127.0.0.1:\(peerPort)",
            "--initial-cluster", "standin-test=http://127.0.0.1:\(peerPort)",
            "--cert-file", path("etcd-server.crt"), "--key-file", path("etcd-server.key"),
            "--trusted-ca-file", path("ca.crt"), "--client-cert-auth",
        ], log: "etcd.log")
        try waitUntil(timeout: 15) { [self] in
            (try? ProcessRunner.run("curl", ["-sf", "--cacert", path("ca.crt"), "--cert", path("etcd-client.crt"),
                                             "--key", path("etcd-client.key"),
                                             "https://127.0.0.1:\(etcdPort)/health"]).succeeded) ?? false
        }
    }

    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// kube-apiserver flags as a rendered manifest would pass them, for a stand-in on `port`.
    public func apiServerFlags(port: Int) -> [String] {
        ["--secure-port=\(port)", "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
         "--tls-cert-file=\(path("apiserver.crt"))", "--tls-private-key-file=\(path("apiserver.key"))",
         "--client-ca-file=\(path("ca.crt"))", "--etcd-servers=https://127.0.0.1:\(etcdPort)",
         "--etcd-cafile=\(path("ca.crt"))", "--etcd-certfile=\(path("etcd-client.crt"))",
         "--etcd-keyfile=\(path("etcd-client.key"))", "--authorization-mode=Node,RBAC",
         "--service-cluster-ip-range=10.96.0.0/12"]
    }

    /// Starts `apiserver-standin` on a free port and waits until its port accepts TLS. Returns the port.
    public func startAPIServer() throws -> Int {
        let port = try Self.freePort()
        try start(TestArtifactSource.standInDirectory.appendingPathComponent("apiserver-standin").path,
                  apiServerFlags(port: port), log: "apiserver-\(port).log")
        try waitUntil(timeout: 15) { [self] in (try? request("GET", "/version", port: port).status) == 200 }
        return port
    }

    /// A response from the API server stand-in.
    public struct Response: Sendable {
        public var status: Int
        public var body: String
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
    }

    /// Calls the API server stand-in with curl, as `admin` (client certificate) unless `clientCertificate` is false.
    public func request(_ method: String, _ path: String, port: Int, body: String? = nil,
                        contentType: String = "application/json", clientCertificate: Bool = true) throws -> Response {
        var arguments = ["-sS", "-X", method, "--cacert", self.path("ca.crt"), "-o", "-", "-w", "\n%{http_code}",
                         "-H", "Content-Type: \(contentType)"]
        if clientCertificate { arguments += ["--cert", self.path("admin.crt"), "--key", self.path("admin.key")] }
        if let body { arguments += ["--data-binary", body] }
        let result = try ProcessRunner.run("curl", arguments + ["https://127.0.0.1:\(port)\(path)"])
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        return Response(status: status, body: lines.dropLast().joined(separator: "\n"))
    }

    /// Starts a long-running process owned by the fixture, its output in `log` under `directory`.
    @discardableResult
    public func start(_ executable: String, _ arguments: [String], log: String,
                      environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        _ = FileManager.default.createFile(atPath: path(log), contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(log)))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        lock.lock(); processes.append(process); lock.unlock()
        return process
    }

    /// Stops etcd (to see health checks fail) without tearing down the rest.
    public func stopEtcd() {
        lock.lock(); let etcd = processes.first; lock.unlock()
        etcd?.terminate()
        etcd?.waitUntilExit()
    }

    /// Kills every process the fixture started and removes its directory.
    public func stop() {
        lock.lock(); let all = processes; processes = []; lock.unlock()
        for process in all where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    public func log(_ name: String) -> String { (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" }

    /// Polls `condition` every 100 ms.
    /// - Throws: `TestArtifactError.toolFailed` when it is still false after `timeout` seconds.
    public func waitUntil(timeout: Double, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return }
            usleep(100_000)
        }
        throw TestArtifactError.toolFailed(command: "wait (\(timeout) s)", stderr: "condition not met; logs in \(directory.path)")
    }

    private func makeCertificates() throws {
        func openssl(_ arguments: [String]) throws {
            let result = try ProcessRunner.run("openssl", arguments, directory: directory)
            guard result.succeeded else { throw TestArtifactError.toolFailed(command: "openssl \(arguments.first ?? "")", stderr: result.stderr) }
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=standin-test-ca"])
        for (name, cn, san, usage) in [
            ("etcd-server", "etcd", "IP:127.0.0.1,DNS:localhost", "serverAuth,clientAuth"),
            ("etcd-client", "kube-apiserver-etcd-client", "DNS:kube-apiserver-etcd-client", "clientAuth"),
            ("apiserver", "kube-apiserver", "IP:127.0.0.1,DNS:localhost,DNS:kubernetes", "serverAuth"),
            ("admin", "kubernetes-admin", "DNS:kubernetes-admin", "clientAuth"),
            ("stranger", "stranger", "DNS:stranger", "clientAuth"),
        ] {
            try openssl(["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(cn)"])
            try "subjectAltName=\(san)\nextendedKeyUsage=\(usage)\n".write(
                to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
            // "stranger" is signed by its own CA: a client the API server must refuse.
            let ca = name == "stranger" ? ["-signkey", "stranger.key"] : ["-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"]
            try openssl(["x509", "-req", "-in", "\(name).csr"] + ca + ["-out", "\(name).crt", "-days", "1",
                                                                      "-extfile", "\(name).ext"])
        }
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw TestArtifactError.toolFailed(command: "bind 127.0.0.1:0", stderr: String(cString: strerror(errno))) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
