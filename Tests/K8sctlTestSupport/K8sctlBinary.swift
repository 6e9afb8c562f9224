import Foundation

/// Runs the built `k8sctl` executable, as a user or a pipeline would, to check output and exit codes.
public enum K8sctlBinary {
    /// The `k8sctl` built next to the test bundle (`swift build --build-tests` builds both).
    public static let url: URL = {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            RepositoryPaths.root.appendingPathComponent(".build/debug"),
        ].compactMap { $0 }
        for directory in candidates {
            let binary = directory.appendingPathComponent("k8sctl")
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
        }
        return RepositoryPaths.root.appendingPathComponent(".build/debug/k8sctl")
    }()

    @discardableResult
    public static func run(_ arguments: [String], stdin: String? = nil, directory: URL? = nil,
                           environment: [String: String]? = nil) throws -> ProcessOutput {
        try ProcessRunner.run(url.path, arguments, stdin: stdin, environment: environment, directory: directory ?? RepositoryPaths.root)
    }
}
