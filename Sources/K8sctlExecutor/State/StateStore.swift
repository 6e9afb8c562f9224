import K8sctlModel
import K8sctlTransport

/// Reads and writes `AppliedState` on the control-plane hosts.
public struct StateStore: Sendable {
    public init() {}

    /// The newest state found on any of `hosts` (they can differ after an interrupted apply), or nil
    /// for a cluster never applied. Unreadable hosts are skipped; a corrupt file is an error.
    public func pull(from hosts: [any RemoteHost]) async throws -> AppliedState? {
        try await pullNoting(from: hosts).newest
    }

    /// The newest state, and whether some host holds an older one or none (a run that stopped while
    /// recording it): the next apply records it again so every control-plane host has it.
    public func pullNoting(from hosts: [any RemoteHost]) async throws -> (newest: AppliedState?, someHostBehind: Bool) {
        // All hosts at once: on a large control plane this is one round trip, not one per host.
        let read = await withTaskGroup(of: (String, [UInt8]?).self) { group in
            for host in hosts { group.addTask { (host.name, try? await host.readFile(AppliedState.statePath)) } }
            return await group.reduce(into: [(String, [UInt8]?)]()) { $0.append($1) }
        }
        var newest: AppliedState?
        var revisions: [Int?] = []
        for (name, bytes) in read.sorted(by: { $0.0 < $1.0 }) {
            guard let bytes else { revisions.append(nil); continue }
            guard let state = AppliedState.decode(bytes) else {
                throw ExecutorError.refused(reason: "\(name): \(AppliedState.statePath) is not a k8sctl state file; move it aside to continue")
            }
            revisions.append(state.revision)
            if newest == nil || state.revision > newest!.revision { newest = state }
        }
        return (newest, newest != nil && revisions.contains { $0 != newest?.revision })
    }

    /// Writes the state and the revision's inventory on every host (0600, in a 0700 directory).
    public func push(_ state: AppliedState, to hosts: [any RemoteHost]) async throws {
        let files = Self.files(of: state)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for host in hosts {
                group.addTask { _ = try await host.writeFiles(files, backupDirectory: nil, directoryMode: 0o700) }
            }
            try await group.waitForAll()
        }
    }

    /// The revision's inventory first, `state.json` last. The writer renames directory by
    /// directory in the order given (`revisions/` before its parent here), so a writer killed
    /// between the two renames leaves the old state (or none) next to the new revision file —
    /// `pullNoting` sees that host behind and the next apply records the state again — never a
    /// state that names a revision whose file is missing.
    static func files(of state: AppliedState) -> [NodeFile] {
        [NodeFile(path: AppliedState.revisionPath(state.revision), content: Array(state.inventory.utf8), mode: 0o600, origin: "state"),
         NodeFile(path: AppliedState.statePath, content: state.encoded(), mode: 0o600, isSecret: false, origin: "state")]
    }
}
