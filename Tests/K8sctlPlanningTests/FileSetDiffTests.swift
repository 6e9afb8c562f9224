import K8sctlTestSupport
import Foundation
import K8sctlModel
import K8sctlPlanning
import Testing

@Suite("File set diff")
struct FileSetDiffTests {
    @Test func changedFile_getsAUnifiedDiffWithContext() throws {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
        let diff = try #require(UnifiedDiff.diff(old: old, new: new, path: "/etc/x"))
        #expect(diff == """
        --- /etc/x (applied)
        +++ /etc/x (planned)
        @@ -2,7 +2,7 @@
         line 2
         line 3
         line 4
        -line 5
        +line five
         line 6
         line 7
         line 8

        """)
    }

    @Test func patchFromTheDiff_appliesWithGNUPatch() throws {
        try #require(ProcessRunner.isAvailable("patch"), "patch is required")
        let old = (1...40).map { "key\($0): \($0)" }.joined(separator: "\n") + "\n"
        var lines = old.split(separator: "\n").map(String.init)
        lines[3] = "key4: changed"; lines.insert("inserted: true", at: 20); lines.remove(at: 35)
        let new = lines.joined(separator: "\n") + "\n"
        let diff = try #require(UnifiedDiff.diff(old: old, new: new, path: "f.yaml"))
        let directory = try PlanningFixtures.directory(["f.yaml": old, "change.diff": diff])
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try ProcessRunner.run("patch", ["f.yaml", "change.diff"], directory: directory)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let patched = try String(contentsOf: directory.appendingPathComponent("f.yaml"), encoding: .utf8)
        #expect(patched == new)
    }

    @Test func secretFiles_areNeverDiffed() throws {
        let before = NodeFile(path: "/etc/kubernetes/admin.conf", text: "token: old", mode: 0o600, isSecret: true)
        let after = NodeFile(path: "/etc/kubernetes/admin.conf", text: "token: new", mode: 0o600, isSecret: true)
        let changes = FileSetDiff(desired: ["cp1": [after]], previous: ["cp1": [before]]).changes()
        let change = try #require(changes["cp1"]?.first)
        #expect(change.kind == .changed)
        #expect(change.diff == nil)
        #expect(change.note == "secret, not shown")
        let text = PlanTextFormatter(fileChanges: changes).format(try PlanningFixtures.plan(desired: try PlanningFixtures.cluster("single-node.yaml")))
        #expect(!text.contains("token"))
    }

    @Test func observedChecksums_decideChangedOrUnchanged() {
        let file = NodeFile(path: "/etc/a", text: "a\n")
        let same = FileSetDiff.sha256(Array("a\n".utf8))
        #expect(same == "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7")
        #expect(FileSetDiff(desired: ["h": [file]], observedChecksums: ["h": ["/etc/a": same]]).changes().isEmpty)
        let changed = FileSetDiff(desired: ["h": [file]], observedChecksums: ["h": ["/etc/a": String(repeating: "0", count: 64)]]).changes()
        #expect(changed["h"]?.first?.kind == .changed)
        #expect(changed["h"]?.first?.note == "only the checksum on the host is known")
    }

    @Test func createdAndRemovedFiles_areListedInPathOrder() {
        let changes = FileSetDiff(desired: ["h": [NodeFile(path: "/b", text: "b"), NodeFile(path: "/a", text: "a")]],
                                  previous: ["h": [NodeFile(path: "/c", text: "c")]]).changes()
        #expect(changes["h"]?.map(\.path) == ["/a", "/b", "/c"])
        #expect(changes["h"]?.map(\.kind) == [.created, .created, .removed])
    }
}
