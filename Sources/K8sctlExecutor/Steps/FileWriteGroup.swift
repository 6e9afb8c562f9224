import K8sctlModel
import K8sctlPlanning
import K8sctlTransport

/// Consecutive file-writing steps (`render`, `pki`, `upload-artifact`) of one host, written in one
/// transfer instead of one round trip each: on a fresh worker 14 of its ~19 steps are file writes,
/// each an sshd session, a shell and its programs on the node.
///
/// Which steps go together (`take`) keeps the order the executor would have run them in one by one:
/// it picks, per host, the first step in plan order whose needs have succeeded. So a group is the
/// file steps that would run next, in that order, and it ends where a step of another kind would
/// have run first (e.g. `sysctl-apply` once `sysctl` is written). Nothing runs earlier than before.
///
/// Per step, the result is what it would have been alone: its own status and detail (a file two
/// steps of the group write is sent once, and counts for the first, as the second would have found
/// it in place), its own event, the same ledger of changed paths for the unit steps after it. Writes
/// stay atomic (the transport's writer: temp, check, fsync, rename; backups before replace).
struct FileWriteGroup {
    let steps: [PlanStep]

    static func writesFiles(_ step: PlanStep) -> Bool { FileStaging.fileActions.contains(step.action.kind) }

    /// Takes from `pending` (plan order) the file steps of `first`'s host that would run right after
    /// `first` (already taken out of `pending`) one by one. As the executor does, it looks for the
    /// host's first step in plan order whose needs have succeeded (or are in the group): a file step
    /// joins and the search starts again; a step of another kind, or none, ends the group.
    static func take(after first: PlanStep, from pending: inout [PlanStep], succeeded: (String) -> Bool) -> [PlanStep] {
        guard writesFiles(first) else { return [first] }
        var group = [first]
        var inGroup: Set<String> = [first.id]
        while let index = pending.firstIndex(where: { step in
            step.host == first.host && step.needs.allSatisfy { inGroup.contains($0) || succeeded($0) }
        }), writesFiles(pending[index]) {
            let step = pending.remove(at: index)
            group.append(step)
            inGroup.insert(step.id)
        }
        return group
    }

    /// Runs the group; one result per step, in order. A step that could not be prepared (a missing
    /// rendered file, an artifact not matching its pin) fails as it would alone, after the steps
    /// before it were written; the failing transfer's steps are reported as described in `attribute`.
    func run(in context: StepContext, runner: StepRunner = StepRunner()) async -> [(PlanStep, StepStatus, String)] {
        if steps.count == 1 {
            do {
                let (status, detail) = try await runner.run(steps[0], in: context)
                return [(steps[0], status, detail)]
            } catch {
                return [(steps[0], .failed, "\(error)")]
            }
        }
        var prepared: [(step: PlanStep, writes: [FileWrite])] = []
        var preparationFailure: (PlanStep, String)?
        for step in steps {
            do { prepared.append((step, try await runner.preparedWrites(step.action, in: context))) }
            catch { preparationFailure = (step, "\(error)"); break }
        }
        var results: [(PlanStep, StepStatus, String)] = []
        for transfer in Self.transfers(prepared) {
            do {
                results += try await write(transfer, in: context)
            } catch {
                results += Self.attribute(error, in: transfer)
                preparationFailure = nil
                break
            }
        }
        if let (step, message) = preparationFailure { results.append((step, .failed, message)) }
        let reported = Set(results.map(\.0.id))
        for step in steps where !reported.contains(step.id) {
            results.append((step, .skipped, "host failed earlier"))
        }
        return results
    }

    /// Splits the prepared steps where a path comes again with other content, mode or owner (one
    /// by one, the later step would replace the earlier one's file): such a path cannot go twice
    /// in one transfer, so the later step starts the next transfer. Identical repeats (the cluster
    /// CA in two `pki` sets) stay together and are sent once.
    static func transfers(_ prepared: [(step: PlanStep, writes: [FileWrite])]) -> [[(step: PlanStep, writes: [FileWrite])]] {
        var result: [[(step: PlanStep, writes: [FileWrite])]] = []
        var current: [(step: PlanStep, writes: [FileWrite])] = []
        var files: [String: NodeFile] = [:]
        for entry in prepared {
            let conflicts = entry.writes.contains { write in files[write.file.path].map { $0 != write.file } ?? false }
            if conflicts {
                result.append(current)
                current = []
                files = [:]
            }
            current.append(entry)
            for write in entry.writes where files[write.file.path] == nil { files[write.file.path] = write.file }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    private func write(_ transfer: [(step: PlanStep, writes: [FileWrite])], in context: StepContext) async throws -> [(PlanStep, StepStatus, String)] {
        var combined: [FileWrite] = []
        var sent = Set<String>()
        for entry in transfer { for write in entry.writes where sent.insert(write.file.path).inserted { combined.append(write) } }
        let outcomes = try await context.connection.writeFiles(combined, backupDirectory: context.backupDirectory)
        await context.changes.record(host: context.host.name, paths: outcomes.filter(\.isChanged).map(\.path))
        var byPath = Dictionary(outcomes.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        return transfer.map { entry in
            let own = entry.writes.map { write -> FileWriteOutcome in
                // The first step listing a path owns its outcome; for a later one it was in place.
                byPath.removeValue(forKey: write.file.path) ?? FileWriteOutcome(path: write.file.path, change: .unchanged)
            }
            let (status, detail) = StepRunner.summary(files: entry.writes.map(\.file), outcomes: own)
            return (entry.step, status, detail)
        }
    }

    /// A failed transfer: the step whose file (or whose file's directory) the error names failed
    /// with the error and the steps it shared the transfer with; without such a name, the first
    /// step. The transfer's other steps are reported skipped: whether their files were written is
    /// not known (the writer renames per directory), and the host has failed either way.
    static func attribute(_ error: any Error, in transfer: [(step: PlanStep, writes: [FileWrite])]) -> [(PlanStep, StepStatus, String)] {
        let message = "\(error)"
        func names(_ write: FileWrite) -> Bool { message.contains(write.file.path) }
        func namesDirectory(_ write: FileWrite) -> Bool {
            let path = write.file.path
            return message.contains(" " + String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]))
        }
        let culprit = transfer.first { $0.writes.contains(where: names) }
            ?? transfer.first { $0.writes.contains(where: namesDirectory) } ?? transfer[0]
        let others = transfer.filter { $0.step.id != culprit.step.id }.map(\.step.step)
        return transfer.map { entry in
            if entry.step.id == culprit.step.id {
                let shared = others.isEmpty ? "" : "\n  (written in one transfer with \(others.joined(separator: ", ")))"
                return (entry.step, .failed, message + shared)
            }
            return (entry.step, .skipped, "not confirmed: its files went in one transfer with \(culprit.step.step), which failed")
        }
    }
}
