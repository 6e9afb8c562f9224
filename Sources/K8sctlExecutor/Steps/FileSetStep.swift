import K8sctlPlanning

/// `backup-files` / `restore-files`: copies of files and directories kept per revision under
/// `/var/lib/k8sctl/backup/<revision>/<path>` (the same tree that holds files a write replaced).
///
/// A backup is taken once per revision: a resumed upgrade must not overwrite the pre-upgrade copy
/// with a half-upgraded file. Paths that did not exist are listed in `.absent`, so a restore removes
/// what the change created.
///
/// Because an existing copy is kept, it must never be a partial one: each path is copied to a
/// temp name (`.NAME.k8sctl-backup` beside the copy), fsynced, renamed to its final name and the
/// directory fsynced, as every other remote write. A run killed mid-copy leaves only the temp
/// name, which the next run removes and copies again. Restores go the same way (`NAME.k8sctl-restore`).
struct FileSetStep {
    let action: FileSetAction
    let restoring: Bool

    static func directory(revision: String) -> String { "\(AppliedState.directory)/backup/\(revision)" }

    static let backupScript = #"""
    set -eu
    dest=$1; shift
    mkdir -p "$dest"; chmod 700 "$dest"; touch "$dest/.absent"
    for p in "$@"; do
      if [ -e "$dest$p" ] || grep -qxF -- "$p" "$dest/.absent"; then echo "kept $p"; continue; fi
      if [ -e "$p" ]; then
        dir=$dest$(dirname -- "$p"); tmp=$dir/.$(basename -- "$p").k8sctl-backup
        mkdir -p -- "$dir"; rm -rf -- "$tmp"
        cp -a -- "$p" "$tmp"
        find "$tmp" \( -type f -o -type d \) -exec sync -- {} +
        mv -fT -- "$tmp" "$dest$p"; sync -- "$dir"
        echo "saved $p"
      else printf '%s\n' "$p" >> "$dest/.absent"; sync -- "$dest/.absent"; echo "absent $p"; fi
    done
    """#

    static let restoreScript = #"""
    set -eu
    src=$1; shift
    if [ ! -d "$src" ]; then echo "no backup directory $src" >&2; exit 3; fi
    for p in "$@"; do
      if [ -e "$src$p" ]; then
        if [ -d "$src$p" ]; then same=$(diff -rq -- "$src$p" "$p" >/dev/null 2>&1 && echo y || echo n)
        else same=$(cmp -s -- "$src$p" "$p" && echo y || echo n); fi
        if [ "$same" = y ]; then echo "same $p"; continue; fi
        mkdir -p "$(dirname -- "$p")"
        rm -rf -- "$p.k8sctl-restore"
        cp -a -- "$src$p" "$p.k8sctl-restore"
        find "$p.k8sctl-restore" \( -type f -o -type d \) -exec sync -- {} +
        if [ -d "$p" ] && [ ! -L "$p" ]; then rm -rf -- "$p"; fi
        mv -fT -- "$p.k8sctl-restore" "$p"; sync -- "$(dirname -- "$p")"
        echo "restored $p"
      elif grep -qxF -- "$p" "$src/.absent" 2>/dev/null; then
        if [ -e "$p" ] || [ -L "$p" ]; then rm -rf -- "$p"; echo "removed $p"; else echo "same $p"; fi
      else
        echo "missing $p"
      fi
    done
    """#

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        let directory = Self.directory(revision: action.revision)
        let result = try await context.run(["/bin/sh", "-c", restoring ? Self.restoreScript : Self.backupScript,
                                            restoring ? "k8sctl-restore" : "k8sctl-backup", directory] + action.paths,
                                           timeout: .seconds(300))
        if result.exitStatus == 3 {
            throw StepFailure.message("no backup of revision \(action.revision) on \(context.host.name) (\(directory)): nothing to restore from")
        }
        guard result.succeeded else {
            throw StepFailure(command: restoring ? "restore-files \(action.revision)" : "backup-files \(action.revision)",
                              outcome: result.outcomeDescription, stderr: result.stderrTail())
        }
        var counts: [String: Int] = [:]
        var touched: [String] = []
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            counts[String(parts[0]), default: 0] += 1
            if parts[0] == "restored" || parts[0] == "removed" { touched.append(String(parts[1])) }
        }
        if restoring {
            await context.changes.record(host: context.host.name, paths: touched)
            let missing = counts["missing"] ?? 0
            let summary = "\(counts["restored"] ?? 0) restored, \(counts["removed"] ?? 0) removed, \(counts["same"] ?? 0) unchanged"
                + (missing > 0 ? ", \(missing) not in the backup" : "") + " from \(directory)"
            return (touched.isEmpty ? .ok : .changed, summary)
        }
        let saved = (counts["saved"] ?? 0) + (counts["absent"] ?? 0)
        return (saved == 0 ? .ok : .changed,
                "\(counts["saved"] ?? 0) saved, \(counts["absent"] ?? 0) absent, \(counts["kept"] ?? 0) kept in \(directory)")
    }
}
