import Crypto
import Foundation
import K8sctlModel

/// Binaries from the inventory's artifact source, checked against their sha256 pins before they
/// leave this machine.
///
/// Layout of a directory source: `<source>/<component>/<version>/<component>` (what
/// `TestArtifactSource` writes and `docs/artifacts.md` describes). `https://` sources are not
/// fetched by this version: say so rather than pretend.
struct ArtifactStore: Sendable {
    let settings: ArtifactSettings
    /// The inventory's directory: relative sources resolve against it.
    let baseDirectory: URL
    /// Verified binaries, read and hashed once per run rather than once per host.
    let cache = VerifiedArtifacts()

    func load(component: String, version: String) throws -> [UInt8] {
        if let cached = cache.bytes(component: component, version: version) { return cached }
        let bytes = try read(component: component, version: version)
        cache.store(bytes, component: component, version: version)
        return bytes
    }

    private func read(component: String, version: String) throws -> [UInt8] {
        if settings.source.hasPrefix("https://") {
            throw StepFailure.message("artifact source \(settings.source) is a URL; this version of k8sctl installs from a local directory only (download the artifacts into one and set spec.artifacts.source)")
        }
        let root = settings.source.hasPrefix("/") ? URL(fileURLWithPath: settings.source)
            : baseDirectory.appendingPathComponent(settings.source)
        let file = root.appendingPathComponent("\(component)/\(version)/\(component)")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw StepFailure.message("artifact \(component) \(version) not found at \(file.path)")
        }
        let bytes = [UInt8](data)
        guard let pin = settings.pin(component: component, version: version) else {
            throw StepFailure.message("artifact \(component) \(version) has no sha256 pin in spec.artifacts.sha256; refusing to install an unpinned binary")
        }
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        guard digest == pin else {
            throw StepFailure.message("artifact \(component) \(version) at \(file.path) has sha256 \(digest), the inventory pins \(pin)")
        }
        return bytes
    }
}

/// Artifacts already checked against their pins in this run (shared by every host's steps).
final class VerifiedArtifacts: @unchecked Sendable {
    private let lock = NSLock()
    private var verified: [String: [UInt8]] = [:]
    func bytes(component: String, version: String) -> [UInt8]? {
        lock.withLock { verified["\(component)/\(version)"] }
    }
    func store(_ bytes: [UInt8], component: String, version: String) {
        lock.withLock { verified["\(component)/\(version)"] = bytes }
    }
}
