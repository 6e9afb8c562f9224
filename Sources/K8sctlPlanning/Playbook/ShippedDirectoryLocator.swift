import Foundation

/// Finds a directory shipped with k8sctl (`playbooks/`, `templates/`) at run time: an explicit path
/// (`--playbooks DIR`), an environment variable, then `NAME/` or `share/k8sctl/NAME/` next to the
/// executable or any of its parents (the repository's `.build/debug/k8sctl`, an install under
/// `/usr/local/bin` with `/usr/local/share/k8sctl/NAME`), then the same walk from the current directory.
public struct ShippedDirectoryLocator: Sendable {
    public var name: String
    /// A file that must exist in the directory for it to count.
    public var marker: String
    public var environmentVariable: String
    public var explicitDirectory: String?

    public init(name: String, marker: String, environmentVariable: String, explicitDirectory: String? = nil) {
        self.name = name
        self.marker = marker
        self.environmentVariable = environmentVariable
        self.explicitDirectory = explicitDirectory
    }

    public static func playbooks(explicit: String? = nil) -> ShippedDirectoryLocator {
        ShippedDirectoryLocator(name: "playbooks", marker: "install.yaml", environmentVariable: "K8SCTL_PLAYBOOKS", explicitDirectory: explicit)
    }

    public static func templates(explicit: String? = nil) -> ShippedDirectoryLocator {
        ShippedDirectoryLocator(name: "templates", marker: "static-pod.yaml.mustache", environmentVariable: "K8SCTL_TEMPLATES", explicitDirectory: explicit)
    }

    public func candidates(environment: [String: String] = ProcessInfo.processInfo.environment,
                           executablePath: String = CommandLine.arguments.first ?? "",
                           currentDirectory: String = FileManager.default.currentDirectoryPath) -> [String] {
        if let explicitDirectory { return [explicitDirectory] }
        var result: [String] = []
        if let value = environment[environmentVariable], !value.isEmpty { result.append(value) }
        let executable = URL(fileURLWithPath: executablePath, relativeTo: URL(fileURLWithPath: currentDirectory))
            .standardizedFileURL.resolvingSymlinksInPath()
        for start in [executable.deletingLastPathComponent(), URL(fileURLWithPath: currentDirectory)] {
            var directory = start.standardizedFileURL
            while true {
                result.append(directory.appendingPathComponent(name).path)
                result.append(directory.appendingPathComponent("share/k8sctl/\(name)").path)
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        var seen = Set<String>()
        return result.filter { seen.insert($0).inserted }
    }

    /// The first candidate holding `marker`, or nil. An explicit directory is returned as given so
    /// the loader reports what is wrong with it.
    public func locate() -> String? {
        if let explicitDirectory { return explicitDirectory }
        return candidates().first { FileManager.default.fileExists(atPath: $0 + "/" + marker) }
    }
}
