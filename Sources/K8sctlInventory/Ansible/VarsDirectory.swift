import Foundation
import K8sctlModel

/// The `host_group_vars` vars plugin: `group_vars/NAME` and `host_vars/NAME` beside the inventory,
/// as a file (`NAME`, `NAME.yml`, `NAME.yaml`, `NAME.json`, first found wins) or a directory
/// `NAME/` whose files (no extension or one of those, hidden and `~` backups skipped, sub-folders
/// recursed) are merged in lexical order, later files winning.
struct VarsDirectory {
    /// The inventory's directory.
    var base: URL
    static let extensions = [".yml", ".yaml", ".json"]

    /// Files that hold `name`'s variables under `subdirectory` (`group_vars` or `host_vars`).
    func files(for name: String, in subdirectory: String) -> [URL] {
        guard !name.hasPrefix("/") else { return [] }
        let directory = base.appendingPathComponent(subdirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return []
        }
        for suffix in [""] + Self.extensions {
            let candidate = directory.appendingPathComponent(name + suffix)
            guard FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory) else { continue }
            return isDirectory.boolValue ? filesInside(candidate) : [candidate]
        }
        return []
    }

    /// Every entry of `subdirectory` as the entity name it serves (`k8s_cluster.yml` → k8s_cluster).
    func entries(in subdirectory: String) -> [(name: String, url: URL)] {
        let directory = base.appendingPathComponent(subdirectory)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix("~") }.compactMap { name in
            let ext = Self.pythonExtension(name)
            let url = directory.appendingPathComponent(name)
            if Self.extensions.contains(ext) { return (String(name.dropLast(ext.count)), url) }
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            return ext.isEmpty || isDirectory.boolValue ? (name, url) : nil
        }
    }

    private func filesInside(_ directory: URL) -> [URL] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        var found: [URL] = []
        for name in names where !name.hasPrefix(".") && !name.hasSuffix("~") {
            let url = directory.appendingPathComponent(name)
            let ext = Self.pythonExtension(name)
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                if ext.isEmpty { found += filesInside(url) }
            } else if ext.isEmpty || Self.extensions.contains(ext) {
                found.append(url)
            }
        }
        return found
    }

    /// `os.path.splitext(name)[1]`: the last `.suffix`, ignoring leading dots.
    static func pythonExtension(_ name: String) -> String {
        let trimmed = name.drop { $0 == "." }
        guard let dot = trimmed.lastIndex(of: ".") else { return "" }
        return String(trimmed[dot...])
    }
}

/// Loads and caches vars files: one parse per file however many hosts share it.
struct VarsFileLoader {
    private var cache: [URL: InventoryVariables] = [:]
    private(set) var diagnostics: [Diagnostic] = []
    /// The path printed in positions, relative to what the user passed where possible.
    var displayPath: (URL) -> String

    init(displayPath: @escaping (URL) -> String) { self.displayPath = displayPath }

    mutating func variables(in url: URL) -> InventoryVariables {
        if let cached = cache[url] { return cached }
        var result = InventoryVariables()
        let file = displayPath(url)
        do {
            let text = try String(contentsOf: url, encoding: .utf8)
            var reader = YAMLValueReader(file: file)
            if let root = try reader.compose(text) {
                switch root {
                case .mapping:
                    var values = AnsibleMapping()
                    var origins: [String: SourceLocation] = [:]
                    for (key, value) in try reader.pairs(of: root) {
                        let name = try reader.keyText(key)
                        values[name] = try reader.value(of: value)
                        origins[name] = reader.location(of: value)
                    }
                    result = InventoryVariables(values, origins: origins)
                case .scalar where YAMLValueReader.resolvePlain(root.scalar!.string) == .null:
                    break  // an empty file: Ansible ignores it
                default:
                    diagnostics.append(.error("vars file must be a mapping of variables, got \(YAMLValueReader.kind(root))",
                                              at: reader.location(of: root)))
                }
            }
        } catch let failure as YAMLValueReader.Failure {
            diagnostics.append(.error(failure.message, at: failure.location ?? SourceLocation(file: file, line: 1, column: 1)))
        } catch {
            diagnostics.append(.error("cannot read vars file: \(error.localizedDescription)", at: SourceLocation(file: file, line: 1, column: 1)))
        }
        cache[url] = result
        return result
    }
}
