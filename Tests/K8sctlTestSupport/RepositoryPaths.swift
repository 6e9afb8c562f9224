import Foundation

/// Locations of the repository's fixtures, found from this source file so tests run from any directory.
public enum RepositoryPaths {
    /// The repository root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static var inventories: URL { root.appendingPathComponent("inventories") }
    public static var templates: URL { root.appendingPathComponent("templates") }
    public static var playbooks: URL { root.appendingPathComponent("playbooks") }
    public static var fixtures: URL { root.appendingPathComponent("Tests/Fixtures") }
    /// `../shared/fixtures/kubespray-sample`, Kubespray's real sample group_vars (may be absent).
    public static var sharedKubespraySample: URL {
        root.deletingLastPathComponent().appendingPathComponent("shared/fixtures/kubespray-sample")
    }
}
