import Foundation
@testable import K8sctlExecutor
import K8sctlTestSupport
import Testing

/// `backup-files` runs for real on a scratch directory (the script is what the upgrade playbook's
/// `backup` step sends). A backup is kept once taken ("once per revision"), so a copy cut short by a
/// killed run must never sit at the final name: a rollback would restore the truncated file.
struct BackupFilesAtomicityTests {
    struct Scratch {
        let root: URL
        var source: String { root.path + "/node" }
        var backup: String { root.path + "/backup/v1.31.4" }

        init(_ name: String) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("backup-files-\(getpid())-\(name)")
            try? FileManager.default.removeItem(at: root)
            try FileManager.default.createDirectory(atPath: root.path + "/node/manifests", withIntermediateDirectories: true)
            // Large enough that a partial copy is visibly partial.
            try Data(repeating: 0x6b, count: 64 * 1024).write(to: URL(fileURLWithPath: source + "/kubelet"))
            try Data("apiVersion: v1\nkind: Pod\n".utf8).write(to: URL(fileURLWithPath: source + "/manifests/kube-apiserver.yaml"))
        }

        var paths: [String] { [source + "/kubelet", source + "/manifests", source + "/absent.conf"] }

        func backUp(path: String? = nil) throws -> ProcessOutput {
            var environment = ProcessInfo.processInfo.environment
            if let path { environment["PATH"] = path + ":" + (environment["PATH"] ?? "/usr/bin:/bin") }
            return try ProcessRunner.run("/bin/sh", ["-c", FileSetStep.backupScript, "k8sctl-backup", backup] + paths,
                                         environment: environment)
        }

        /// Every name under the backup directory, relative to it.
        func entries() throws -> [String] {
            let enumerator = FileManager.default.enumerator(atPath: backup)
            return (enumerator?.allObjects as? [String] ?? []).sorted()
        }
    }

    @Test func backup_copiesEachPathWhole_thenKeepsIt() throws {
        let scratch = try Scratch("whole")
        defer { try? FileManager.default.removeItem(at: scratch.root) }
        let first = try scratch.backUp()
        #expect(first.succeeded, "\(first.stderr)")
        #expect(first.stdout.components(separatedBy: "saved ").count - 1 == 2 && first.stdout.contains("absent "), "\(first.stdout)")
        #expect(FileManager.default.contents(atPath: scratch.backup + scratch.source + "/kubelet")
                == FileManager.default.contents(atPath: scratch.source + "/kubelet"))
        #expect(FileManager.default.contents(atPath: scratch.backup + scratch.source + "/manifests/kube-apiserver.yaml")
                == Data("apiVersion: v1\nkind: Pod\n".utf8))
        let entries = try scratch.entries()
        #expect(entries.allSatisfy { !$0.contains("k8sctl-backup") }, "\(entries)")
        let again = try scratch.backUp()
        #expect(again.succeeded && again.stdout.components(separatedBy: "kept ").count - 1 == 3, "\(again.stdout)")
    }

    /// Regression: `cp` killed half-way (with the script running it) used to leave the first bytes
    /// at the final name, which the next run then kept as the revision's backup.
    @Test func aCopyKilledHalfWay_leavesNoBackupUnderTheFinalName_andTheNextRunCopiesWhole() throws {
        let scratch = try Scratch("killed")
        defer { try? FileManager.default.removeItem(at: scratch.root) }
        let bin = scratch.root.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        // `cp -a -- SRC DST` that writes 100 bytes of SRC to DST, then kills the script that ran it.
        try "#!/bin/sh\nhead -c 100 \"$3\" > \"$4\"\nkill -KILL $PPID\n".write(toFile: bin + "/cp", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/cp")

        let killed = try scratch.backUp(path: bin)
        #expect(!killed.succeeded)
        let afterKill = try scratch.entries()
        #expect(!FileManager.default.fileExists(atPath: scratch.backup + scratch.source + "/kubelet"),
                "a partial copy sits at the final name: \(afterKill)")

        let next = try scratch.backUp()
        #expect(next.succeeded, "\(next.stderr)")
        #expect(next.stdout.contains("saved \(scratch.source)/kubelet"), "\(next.stdout)")
        #expect(FileManager.default.contents(atPath: scratch.backup + scratch.source + "/kubelet")
                == FileManager.default.contents(atPath: scratch.source + "/kubelet"))
        let left = try scratch.entries()
        #expect(left.allSatisfy { !$0.contains("k8sctl-backup") }, "temp copy left: \(left)")
    }

    @Test func restore_putsTheBackupBack_andLeavesNoTempName() throws {
        let scratch = try Scratch("restore")
        defer { try? FileManager.default.removeItem(at: scratch.root) }
        #expect(try scratch.backUp().succeeded)
        try Data("upgraded".utf8).write(to: URL(fileURLWithPath: scratch.source + "/kubelet"))
        try Data("created".utf8).write(to: URL(fileURLWithPath: scratch.source + "/absent.conf"))
        let restore = try ProcessRunner.run("/bin/sh", ["-c", FileSetStep.restoreScript, "k8sctl-restore", scratch.backup] + scratch.paths)
        #expect(restore.succeeded, "\(restore.stderr)")
        #expect(FileManager.default.contents(atPath: scratch.source + "/kubelet") == Data(repeating: 0x6b, count: 64 * 1024))
        #expect(!FileManager.default.fileExists(atPath: scratch.source + "/absent.conf"))
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.source).filter { $0.contains("k8sctl-restore") }
        #expect(left.isEmpty, "\(left)")
    }
}
