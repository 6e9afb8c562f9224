import Foundation
import K8sctlModel

/// An artifact directory for end-to-end tests: the real Debian `etcd`/`etcdctl` binaries and, under
/// their component names, the test stand-ins for the components no package provides here.
///
/// Layout (one file per component and version, plus checksums a person can verify with `sha256sum -c`):
/// ```
/// <directory>/<component>/<version>/<component>
/// <directory>/SHA256SUMS
/// <directory>/README
/// ```
public struct TestArtifactSource: Sendable {
    /// One file in the directory.
    public struct Artifact: Sendable, Hashable {
        public var component: String
        public var version: String
        public var path: String
        /// Lower-case hex sha256 of the file.
        public var sha256: String
        /// True for test stand-ins (kubelet, kube-apiserver, containerd), false for real binaries.
        public var isStandIn: Bool
    }

    public var directory: URL
    public var artifacts: [Artifact]

    /// component → version → sha256, ready for `ArtifactSettings.sha256`.
    public var sha256Pins: [String: [String: String]] {
        artifacts.reduce(into: [:]) { $0[$1.component, default: [:]][$1.version] = $1.sha256 }
    }

    /// Inventory settings that point at this directory with every file pinned.
    public var artifactSettings: ArtifactSettings {
        ArtifactSettings(source: directory.path, sha256: sha256Pins)
    }

    public func artifact(_ component: String) -> Artifact? { artifacts.first { $0.component == component } }

    /// The stand-in programs' sources: `Tests/standins` in this repository.
    public static var standInDirectory: URL { RepositoryPaths.root.appendingPathComponent("Tests/standins") }

    /// Builds the directory (replacing what is there).
    /// - Parameters:
    ///   - directory: where to build it.
    ///   - kubernetesVersion: version the stand-ins are filed under (e.g. "1.31.4").
    ///   - etcdBinaries: the real etcd/etcdctl to copy (Debian's etcd-server/etcd-client by default).
    /// - Throws: `TestArtifactError` when a binary is missing or a tool fails.
    public static func build(at directory: URL, kubernetesVersion: String,
                             etcdBinaries: (etcd: String, etcdctl: String) = ("/usr/bin/etcd", "/usr/bin/etcdctl"))
        throws -> TestArtifactSource {
        let fileManager = FileManager.default
        try? fileManager.removeItem(at: directory)
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        for binary in [etcdBinaries.etcd, etcdBinaries.etcdctl] where !fileManager.isExecutableFile(atPath: binary) {
            throw TestArtifactError.missingBinary(path: binary,
                                                  fix: "apt-get install -y etcd-server etcd-client")
        }
        let etcdVersion = try version(of: etcdBinaries.etcd)
        var artifacts: [Artifact] = []
        func add(_ component: String, _ version: String, from source: URL, standIn: Bool) throws {
            let folder = directory.appendingPathComponent("\(component)/\(version)")
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            let target = folder.appendingPathComponent(component)
            try fileManager.copyItem(at: source, to: target)
            try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target.path)
            artifacts.append(Artifact(component: component, version: version, path: target.path,
                                      sha256: try sha256(of: target.path), isStandIn: standIn))
        }
        try add("etcd", etcdVersion, from: URL(fileURLWithPath: etcdBinaries.etcd), standIn: false)
        try add("etcdctl", etcdVersion, from: URL(fileURLWithPath: etcdBinaries.etcdctl), standIn: false)
        let kubelet = try kubeletZipapp(in: directory)
        defer { try? fileManager.removeItem(at: kubelet) }
        try add("kubelet", kubernetesVersion, from: kubelet, standIn: true)
        try add("kube-apiserver", kubernetesVersion, from: standInDirectory.appendingPathComponent("apiserver-standin"),
                standIn: true)
        try add("containerd", "1.7.0-standin", from: standInDirectory.appendingPathComponent("containerd-standin"),
                standIn: true)
        let sums = artifacts.map { "\($0.sha256)  \($0.component)/\($0.version)/\($0.component)" }
        try (sums.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("SHA256SUMS"),
                                                        atomically: true, encoding: .utf8)
        let readme = """
        k8sctl test artifacts. etcd and etcdctl \(etcdVersion) are the real Debian binaries.
        kubelet, kube-apiserver and containerd are TEST STAND-INS from Tests/standins (no such binaries can be
        installed on the test machines): they follow the public API for the subset k8sctl uses and are not
        Kubernetes. The kubelet file is a zipapp carrying both the kubelet and API server stand-ins.

        """
        try readme.write(to: directory.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        return TestArtifactSource(directory: directory, artifacts: artifacts)
    }

    /// The kubelet stand-in as one executable file that can also run the API server stand-in.
    static func kubeletZipapp(in directory: URL) throws -> URL {
        let fileManager = FileManager.default
        let staging = directory.appendingPathComponent(".kubelet-zipapp")
        try? fileManager.removeItem(at: staging)
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: staging) }
        for (source, name) in [("kubelet-standin", "kubelet_standin.py"), ("apiserver-standin", "apiserver_standin.py"),
                               ("zipapp_main.py", "__main__.py")] {
            try fileManager.copyItem(at: standInDirectory.appendingPathComponent(source),
                                     to: staging.appendingPathComponent(name))
        }
        let output = directory.appendingPathComponent(".kubelet.pyz")
        let result = try ProcessRunner.run("/usr/bin/python3", ["-m", "zipapp", staging.path, "-p", "/usr/bin/python3",
                                                                "-o", output.path])
        guard result.succeeded else { throw TestArtifactError.toolFailed(command: "python3 -m zipapp", stderr: result.stderr) }
        return output
    }

    static func version(of binary: String) throws -> String {
        let result = try ProcessRunner.run(binary, ["--version"])
        // "etcd Version: 3.4.23" / "etcdctl version: 3.4.23"
        guard let line = result.stdout.split(separator: "\n").first(where: { $0.lowercased().contains("version:") }),
              let version = line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces), !version.isEmpty
        else { throw TestArtifactError.toolFailed(command: "\(binary) --version", stderr: result.stdout + result.stderr) }
        return version
    }

    static func sha256(of path: String) throws -> String {
        let result = try ProcessRunner.run("sha256sum", [path])
        guard result.succeeded, let digest = result.stdout.split(separator: " ").first else {
            throw TestArtifactError.toolFailed(command: "sha256sum \(path)", stderr: result.stderr)
        }
        return String(digest)
    }
}

/// Why the test artifact directory could not be built.
public enum TestArtifactError: Error, CustomStringConvertible {
    case missingBinary(path: String, fix: String)
    case toolFailed(command: String, stderr: String)

    public var description: String {
        switch self {
        case let .missingBinary(path, fix): "\(path) is missing (\(fix))"
        case let .toolFailed(command, stderr): "\(command) failed: \(stderr)"
        }
    }
}
