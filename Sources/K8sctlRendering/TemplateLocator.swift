import Foundation

/// Finds the `templates/` directory at run time. Order: an explicit directory (`--templates`),
/// `$K8SCTL_TEMPLATES`, then `templates/` or `share/k8sctl/templates/` in the executable's
/// directory and each of its parents (covers `.build/debug/k8sctl` inside the repository and an
/// install under `/usr/local/bin` with `/usr/local/share/k8sctl/templates`), then the same walk from
/// the current directory.
public struct TemplateLocator: Sendable {
    public var explicitDirectory: String?
    public var environment: [String: String]
    public var executablePath: String
    public var currentDirectory: String

    public init(explicitDirectory: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                executablePath: String = CommandLine.arguments.first ?? "",
                currentDirectory: String = FileManager.default.currentDirectoryPath) {
        self.explicitDirectory = explicitDirectory
        self.environment = environment
        self.executablePath = executablePath
        self.currentDirectory = currentDirectory
    }

    /// The directory every candidate was checked for, in order.
    public var candidates: [String] {
        var result: [String] = []
        if let explicitDirectory { return [explicitDirectory] }
        if let fromEnvironment = environment["K8SCTL_TEMPLATES"], !fromEnvironment.isEmpty { result.append(fromEnvironment) }
        let executable = URL(fileURLWithPath: executablePath, relativeTo: URL(fileURLWithPath: currentDirectory))
            .standardizedFileURL.resolvingSymlinksInPath()
        result += Self.walkUp(from: executable.deletingLastPathComponent())
        result += Self.walkUp(from: URL(fileURLWithPath: currentDirectory))
        var seen = Set<String>()
        return result.filter { seen.insert($0).inserted }
    }

    private static func walkUp(from start: URL) -> [String] {
        var result: [String] = []
        var directory = start.standardizedFileURL
        while true {
            result.append(directory.appendingPathComponent("templates").path)
            result.append(directory.appendingPathComponent("share/k8sctl/templates").path)
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return result
    }

    /// The first candidate holding the templates (recognised by `kube-apiserver`'s template file).
    /// - Throws: `RenderError.templatesNotFound` listing every place tried.
    public func locate() throws -> String {
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue,
               FileManager.default.fileExists(atPath: candidate + "/" + TemplateName.staticPod.fileName) {
                return candidate
            }
        }
        throw RenderError.templatesNotFound(searched: candidates)
    }
}
