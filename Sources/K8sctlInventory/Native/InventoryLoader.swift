import Foundation
import K8sctlModel
import Yams

/// The outcome of loading an inventory: the cluster when it is usable, and every finding.
public struct InventoryLoadResult: Sendable {
    public var cluster: Cluster?
    public var diagnostics: [Diagnostic]
    /// The source text, for printing diagnostics with the offending line.
    public var sourceText: String?

    public init(cluster: Cluster?, diagnostics: [Diagnostic], sourceText: String? = nil) {
        self.cluster = cluster
        self.diagnostics = diagnostics
        self.sourceText = sourceText
    }
}

/// Loads the native `k8sctl.dev/v1` `Cluster` inventory format.
///
/// All problems are reported in one run: wrong types, unknown keys (with "did you mean"), bad
/// addresses, CIDRs, durations and versions, each with file:line:col. A cluster is returned only
/// when there are no errors.
public struct InventoryLoader: Sendable {
    public var limits: YAMLDocument.Limits

    public init(limits: YAMLDocument.Limits = YAMLDocument.Limits()) {
        self.limits = limits
    }

    public func load(path: String) -> InventoryLoadResult {
        let (document, diagnostics) = YAMLDocument.parse(path: path, limits: limits)
        guard let document else { return InventoryLoadResult(cluster: nil, diagnostics: diagnostics) }
        return load(document: document)
    }

    public func load(text: String, file: String) -> InventoryLoadResult {
        let (document, diagnostics) = YAMLDocument.parse(data: Data(text.utf8), file: file, limits: limits)
        guard let document else { return InventoryLoadResult(cluster: nil, diagnostics: diagnostics, sourceText: text) }
        return load(document: document)
    }

    public func load(document: YAMLDocument) -> InventoryLoadResult {
        let context = LoadContext(document: document)
        let cluster = ClusterReader(context: context).read(document.root)
        let usable = !context.diagnostics.hasErrors
        // Report in file order, as a reader scans the file; readers find unknown keys last.
        let ordered = context.diagnostics.enumerated().sorted { left, right in
            let a = left.element.location, b = right.element.location
            if a?.line != b?.line { return (a?.line ?? 0) < (b?.line ?? 0) }
            if a?.column != b?.column { return (a?.column ?? 0) < (b?.column ?? 0) }
            return left.offset < right.offset
        }.map(\.element)
        return InventoryLoadResult(cluster: usable ? cluster : nil, diagnostics: ordered,
                                   sourceText: document.text)
    }
}
