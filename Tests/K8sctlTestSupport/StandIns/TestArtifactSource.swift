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

    /// Builds the directory (replacing what is there) with `scripts/test-artifacts` (the same tool a person uses for a manual
    /// install onto test nodes) and reads back what it wrote from `SHA256SUMS`. Stand-ins are filed
    /// under `kubernetesVersion` (e.g. "1.31.4").
    /// - Throws: `TestArtifactError` when a binary is missing or a tool fails.
    public static func build(at directory: URL, kubernetesVersion: String) throws -> TestArtifactSource {
        for binary in ["/usr/bin/etcd", "/usr/bin/etcdctl"] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw TestArtifactError.missingBinary(path: binary, fix: "apt-get install -y etcd-server etcd-client")
        }
        let script = RepositoryPaths.root.appendingPathComponent("scripts/test-artifacts").path
        let result = try ProcessRunner.run(script, [directory.path, kubernetesVersion])
        guard result.succeeded else { throw TestArtifactError.toolFailed(command: "scripts/test-artifacts", stderr: result.stderr) }
        let sums = try String(contentsOf: directory.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        let artifacts = sums.split(separator: "\n").compactMap { line -> Artifact? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 2 else { return nil }
            let parts = fields[1].split(separator: "/")
            guard parts.count == 3 else { return nil }
            return Artifact(component: String(parts[0]), version: String(parts[1]),
                            path: directory.appendingPathComponent(String(fields[1])).path, sha256: String(fields[0]),
                            isStandIn: !["etcd", "etcdctl"].contains(String(parts[0])))
        }
        return TestArtifactSource(directory: directory, artifacts: artifacts)
    }
}

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
