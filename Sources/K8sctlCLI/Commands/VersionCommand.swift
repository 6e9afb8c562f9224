import ArgumentParser

/// The release of this build, also shown by `k8sctl --version`.
public enum K8sctlVersion {
    public static let current = "0.1.0"
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the k8sctl version.")

    func run() throws {
        print("k8sctl \(K8sctlVersion.current)")
    }
}
