import Foundation
import K8sctlPlanning
import K8sctlTestSupport
import Testing

/// Regression (issue 9 scale sequences): the scale-down playbook's move-aside steps, run for real on
/// a scratch directory. A host removed, added back and removed again kept its second generation of
/// static pods and data in place (the old guard was "`*.decommissioned` exists"), and a worker's
/// static pods (its local API proxy) were never moved: added back as a control plane, the stale
/// proxy pod held 127.0.0.1:6443 and the API server could not bind.
struct DecommissionMoveAsideTests {
    static func step(_ name: String) throws -> (selector: RoleSelector, argv: [String], unless: [String]) {
        let loaded = PlaybookLoader().load(directory: RepositoryPaths.playbooks.path)
        let playbook = try #require(loaded.playbooks?.playbooks[.scaleDown])
        let step = try #require(playbook.steps.first { $0.name == name })
        guard case .command(let command) = step.action else { throw FaultTestError("\(name) is not a command") }
        return (step.on, command.argv, command.unless ?? [])
    }
    struct FaultTestError: Error { var text: String; init(_ text: String) { self.text = text } }

    /// Runs `argv` as the executor would (guard first), with the node path replaced by `path`.
    static func run(_ step: (selector: RoleSelector, argv: [String], unless: [String]), node: String, path: String) throws -> Bool {
        let swap = { (words: [String]) in words.map { $0 == node ? path : $0 } }
        let guardHolds = try ProcessRunner.run("/usr/bin/env", swap(step.unless)).succeeded
        if guardHolds { return false }
        let moved = try ProcessRunner.run("/usr/bin/env", swap(step.argv))
        #expect(moved.succeeded, "\(moved.stderr)")
        return true
    }

    @Test(arguments: ["static-pods-aside", "kubelet-data-aside"])
    func secondRemoval_movesTheNewGenerationAside_andARerunDoesNothing(name: String) throws {
        let step = try Self.step(name)
        let node = name == "static-pods-aside" ? "/etc/kubernetes/manifests" : "/var/lib/kubelet"
        #expect(step.selector == .kubelet, "\(name) must run on every kubelet host, workers included")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("aside-\(getpid())-\(name)")
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("dir").path
        let fm = FileManager.default

        try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Data("first".utf8).write(to: URL(fileURLWithPath: path + "/pod.yaml"))
        #expect(try Self.run(step, node: node, path: path))
        #expect(!fm.fileExists(atPath: path))
        #expect(fm.contents(atPath: path + ".decommissioned/pod.yaml") == Data("first".utf8))
        #expect(try !Self.run(step, node: node, path: path), "a rerun must do nothing")

        // Added back, then removed again: the second generation goes aside too, the first is kept.
        try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Data("second".utf8).write(to: URL(fileURLWithPath: path + "/pod.yaml"))
        #expect(try Self.run(step, node: node, path: path))
        #expect(!fm.fileExists(atPath: path))
        #expect(fm.contents(atPath: path + ".decommissioned/pod.yaml") == Data("first".utf8))
        let generations = try fm.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix("dir.decommissioned.") }
        #expect(generations.count == 1, "\(generations)")
        #expect(fm.contents(atPath: root.path + "/" + (generations.first ?? "") + "/pod.yaml") == Data("second".utf8))
    }

    @Test func etcdData_usesTheSameMoveAside() throws {
        let step = try Self.step("etcd-data-aside")
        #expect(step.selector == .etcd)
        #expect(step.argv.suffix(1) == ["{{etcd.dataDir}}"] && step.unless == ["test", "!", "-e", "{{etcd.dataDir}}"])
        #expect(step.argv.prefix(3) == (try Self.step("static-pods-aside")).argv.prefix(3))
    }
}
