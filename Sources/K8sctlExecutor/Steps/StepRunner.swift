import Foundation
import K8sctlModel
import K8sctlPlanning
import K8sctlTransport

/// Runs one planned step on its host: the one place each action of the playbook vocabulary is
/// implemented. Returns `ok` when the host was already as desired and `changed` when it was not.
struct StepRunner: Sendable {
    func run(_ step: PlanStep, in context: StepContext) async throws -> (StepStatus, String) {
        switch step.action {
        case .render, .pki, .uploadArtifact:
            return try await writeFiles(preparedWrites(step.action, in: context), in: context)
        case .unit(let unit):
            return try await UnitStep(action: unit).run(in: context)
        case .command(let command):
            return try await CommandStep(action: command).run(in: context)
        case .wait(let wait):
            return try await WaitStep(action: wait).run(in: context)
        case .preflight(let preflight):
            return try await PreflightStep(action: preflight).run(in: context)
        case .etcdMemberAdd(let member):
            return try await EtcdMemberStep(action: member, adding: true).run(in: context)
        case .etcdMemberRemove(let member):
            return try await EtcdMemberStep(action: member, adding: false).run(in: context)
        case .cordon(let node):
            return try await NodeSchedulingStep(node: node.node, unschedulable: true).run(in: context)
        case .uncordon(let node):
            return try await NodeSchedulingStep(node: node.node, unschedulable: false).run(in: context)
        case .deleteNode(let node):
            return try await NodeDeletionStep(node: node.node).run(in: context)
        case .drain(let drain):
            return try await DrainStep(action: drain).run(in: context)
        case .etcdSnapshot(let snapshot):
            return try await EtcdSnapshotStep(action: snapshot).run(in: context)
        case .backupFiles(let set):
            return try await FileSetStep(action: set, restoring: false).run(in: context)
        case .restoreFiles(let set):
            return try await FileSetStep(action: set, restoring: true).run(in: context)
        }
    }

    /// Which PKI catalog entries each playbook `pki` set writes; a host gets only the entries its
    /// roles receive (the catalog decides), so e.g. a worker's `cluster-cas` is just `ca.crt`.
    static let pkiSets: [String: [String]] = [
        "cluster-cas": ["ca", "front-proxy-ca", "etcd-ca"],
        "etcd": ["etcd-server", "etcd-peer", "etcd-healthcheck-client"],
        "control-plane": ["apiserver", "apiserver-kubelet-client", "front-proxy-client", "apiserver-etcd-client"],
        "service-account": ["sa"],
        // Client certificates for kubeconfigs are embedded in the rendered kubeconfig files.
        "kubeconfigs": [], "kubelet": [],
    ]

    /// The actions this executor implements; `Applier` refuses plans with others before touching a host.
    static let implemented: Set<ActionKind> = Set(ActionKind.allCases)

    /// The files a `render`, `pki` or `upload-artifact` step writes, with the mode of directories
    /// it creates; empty for every other action. `apply --files-only` batches these per host.
    /// - Throws: `StepFailure` for a missing rendered file or an artifact that is absent, unpinned
    ///   or not what its pin says.
    func fileWrites(_ action: StepAction, in context: StepContext) throws -> [FileWrite] {
        switch action {
        case .render(let render):
            return [FileWrite(file: try renderedFile(render, in: context))]
        case .pki(let pki):
            let entries = Set(pki.sets.flatMap { Self.pkiSets[$0] ?? [] })
            return context.pkiFiles.filter { entries.contains(String($0.origin.dropFirst("pki:".count))) }
                .map { FileWrite(file: $0, directoryMode: 0o700) }
        case .uploadArtifact(let artifact):
            guard let version = artifact.version else {
                throw StepFailure.message("no version known for artifact \(artifact.component): pin one in spec.artifacts.sha256")
            }
            let bytes = try context.artifacts.load(component: artifact.component, version: version)
            // `load` checked the bytes against the pin: the pin is their sha256.
            return [FileWrite(file: NodeFile(path: artifact.path, content: bytes, mode: Self.mode(artifact.mode, default: 0o755),
                                             origin: "artifact:\(artifact.component)-\(version)"),
                              sha256: context.cluster.artifacts.pin(component: artifact.component, version: version))]
        default:
            return []
        }
    }

    /// `fileWrites` with what a render step changes just before writing: a joining etcd member's
    /// membership, and the running static pod's config hash (for the wait after its manifest is
    /// replaced). Every file write of an apply goes through here, alone or in a ``FileWriteGroup``.
    func preparedWrites(_ action: StepAction, in context: StepContext) async throws -> [FileWrite] {
        var writes = try fileWrites(action, in: context)
        guard case .render = action else { return writes }
        for index in writes.indices {
            // A joining etcd member starts with the membership etcd listed at its member add.
            if writes[index].file.path == EtcdBootstrapFlags.environmentFile,
               let initialCluster = await context.changes.joinInitialCluster(host: context.host.name) {
                writes[index].file.content = EtcdJoinMembership.replacingInitialCluster(
                    in: writes[index].file.content, with: initialCluster)
            }
            // The running pod's config hash, for the wait after its manifest is replaced.
            await StaticPodReplacement.recordBeforeWriting(writes[index].file, in: context)
        }
        return writes
    }

    private func renderedFile(_ render: RenderAction, in context: StepContext) throws -> NodeFile {
        guard var file = context.files[render.path] else {
            throw StepFailure.message("template \(render.template) produced no file \(render.path) for \(context.host.name)")
        }
        // The playbook's mode wins over the renderer's default only when it is stricter.
        let requested = Self.mode(render.mode, default: file.mode)
        file.mode = min(file.mode, requested) == requested ? requested : file.mode
        file.owner = render.owner
        return file
    }

    private func writeFiles(_ writes: [FileWrite], in context: StepContext) async throws -> (StepStatus, String) {
        if writes.isEmpty { return (.ok, "no files") }
        let outcomes = try await context.connection.writeFiles(writes, backupDirectory: context.backupDirectory)
        await context.changes.record(host: context.host.name, paths: outcomes.filter(\.isChanged).map(\.path))
        return Self.summary(files: writes.map(\.file), outcomes: outcomes)
    }

    /// A file step's status and detail from what the writer did to its files (in their order).
    static func summary(files: [NodeFile], outcomes: [FileWriteOutcome]) -> (StepStatus, String) {
        if files.isEmpty { return (.ok, "no files") }
        let changed = outcomes.filter(\.isChanged)
        if changed.isEmpty { return (.ok, files.count == 1 ? files[0].path : "\(files.count) files unchanged") }
        let names = changed.map { "\($0.path) (\($0.change.rawValue))" }
        return (.changed, names.count <= 3 ? names.joined(separator: ", ") : "\(names.count) of \(files.count) files written")
    }

    static func mode(_ text: String, default fallback: UInt16) -> UInt16 {
        UInt16(text, radix: 8) ?? fallback
    }
}
