import Foundation
import Synchronization
import K8sctlInventory
import K8sctlModel
import K8sctlPlanning
import K8sctlTestSupport
import K8sctlTransport
import Testing
@testable import K8sctlExecutor

/// A host's consecutive file steps go in one transfer (`FileWriteGroup`), in the order the executor
/// would have run them one by one, with one event, status and failure per step.
@Suite struct FileWriteGroupTests {
    static let directory = "/root/k8sctl-group"

    static func write(_ name: String, needs: [String] = [], owner: String = "root") -> PlanStep {
        PlanStep(id: "install/a/\(name)", host: "a", operation: .install, step: name, batch: 1,
                 action: .render(RenderAction(template: "t", path: "\(directory)/\(name)", owner: owner)), needs: needs.map { "install/a/\($0)" })
    }

    static func command(_ name: String, _ script: String, needs: [String]) -> PlanStep {
        PlanStep(id: "install/a/\(name)", host: "a", operation: .install, step: name, batch: 1,
                 action: .command(CommandAction(argv: ["sh", "-c", script], idempotent: true)), needs: needs.map { "install/a/\($0)" })
    }

    /// one, two, seen (needs one: lists what is written), three, four (needs seen).
    static let steps = [write("one"), write("two", needs: ["one"]),
                        command("seen", "ls \(directory) > /root/k8sctl-group.seen", needs: ["one"]),
                        write("three"), write("four", needs: ["seen"])]

    @Test func take_keepsTheOneByOneOrder_andEndsWhereAnotherKindWouldRun() {
        var pending = Array(Self.steps.dropFirst())
        let first = FileWriteGroup.take(after: Self.steps[0], from: &pending) { _ in false }
        // `seen` becomes ready once `one` is written and comes before `three` in plan order.
        #expect(first.map(\.step) == ["one", "two"])
        #expect(pending.map(\.step) == ["seen", "three", "four"])
        let done: Set<String> = ["install/a/one", "install/a/two", "install/a/seen"]
        let command = pending.removeFirst()
        #expect(FileWriteGroup.take(after: command, from: &pending) { done.contains($0) }.map(\.step) == ["seen"])
        let third = pending.removeFirst()
        #expect(FileWriteGroup.take(after: third, from: &pending) { done.contains($0) }.map(\.step) == ["three", "four"])
        #expect(pending.isEmpty)
        // Another host's steps and steps whose needs are not met stay where they are.
        var other = [PlanStep(id: "install/b/x", host: "b", operation: .install, step: "x", batch: 1,
                              action: .render(RenderAction(template: "t", path: "/x")), needs: []),
                     Self.write("late", needs: ["elsewhere"])]
        #expect(FileWriteGroup.take(after: Self.write("solo"), from: &other) { _ in false }.map(\.step) == ["solo"])
        #expect(other.count == 2)
    }

    @Test func transfers_splitWhereAPathComesAgainWithOtherContent() {
        func entry(_ name: String, _ files: [(String, String)]) -> (step: PlanStep, writes: [FileWrite]) {
            (Self.write(name), files.map { FileWrite(file: NodeFile(path: $0.0, text: $0.1)) })
        }
        let same = FileWriteGroup.transfers([entry("a", [("/ca", "x"), ("/a", "1")]), entry("b", [("/ca", "x"), ("/b", "2")])])
        #expect(same.map { $0.map(\.step.step) } == [["a", "b"]])
        let differs = FileWriteGroup.transfers([entry("a", [("/ca", "x")]), entry("b", [("/b", "2")]), entry("c", [("/ca", "y")])])
        #expect(differs.map { $0.map(\.step.step) } == [["a", "b"], ["c"]])
    }

    @Test func attribute_namesTheStepWhoseFileTheErrorNames() {
        let transfer = [("one", "/d/one"), ("two", "/e/two"), ("three", "/f/three")].map { name, path in
            (step: Self.write(name), writes: [FileWrite(file: NodeFile(path: path, text: name))])
        }
        let named = FileWriteGroup.attribute(TransportError.fileOperationFailed(host: "a", path: "3 files",
                                                                                 reason: "/e/two was staged as 644 root root, not 644 nobody root"), in: transfer)
        #expect(named.map(\.1) == [.skipped, .failed, .skipped])
        #expect(named[1].2.contains("/e/two") && named[1].2.contains("written in one transfer with one, three"))
        #expect(named[0].2.contains("one transfer with two, which failed"))
        let directory = FileWriteGroup.attribute(TransportError.fileOperationFailed(host: "a", path: "3 files",
                                                                                     reason: "cannot rename the staged files into /f"), in: transfer)
        #expect(directory.map(\.1) == [.skipped, .skipped, .failed])
        let unnamed = FileWriteGroup.attribute(TransportError.fileOperationFailed(host: "a", path: "3 files", reason: "fsync failed"), in: transfer)
        #expect(unnamed.map(\.1) == [.failed, .skipped, .skipped])
    }

    /// On a light test node: the plan above runs in three round trips for five steps, `seen` saw
    /// exactly what one-by-one order would have written by then, every step has its own event; then
    /// a write that fails on the node names its step and host, and nothing after it runs.
    @Test(.enabled(if: TestNodes.canBootLight, "needs root, network namespaces and sshd"))
    func onANode_groupsWrites_keepsOrder_andAttributesAFailure() async throws {
        let cluster = try TestNodes.boot(count: 1, kind: .light, prefix: TestNodes.uniquePrefix("fwg"))
        defer { try? cluster.shutdown() }
        let text = """
            apiVersion: k8sctl.dev/v1
            kind: Cluster
            metadata: { name: groups }
            spec:
              kubernetes: { version: 1.31.5 }
              ssh: { user: root, identityFile: \(cluster.identityFile), knownHosts: \(cluster.knownHostsFile) }
              hosts:
                - { name: a, address: \(cluster.nodes[0].address), roles: [worker] }
            """
        let model = try #require(InventoryLoader().load(text: text, file: "groups.yaml").cluster)
        let connection = try await HostConnector(settings: model.ssh).connect(model.hosts[0])
        let counted = CountingHost(inner: connection)
        var files: [String: NodeFile] = [:]
        for name in ["one", "two", "three", "four", "bad", "after"] { files["\(Self.directory)/\(name)"] = NodeFile(path: "\(Self.directory)/\(name)", text: name + "\n") }
        let ledger = ChangeLedger()
        let context = StepContext(cluster: model, host: model.hosts[0], connection: counted, files: files, pkiFiles: [],
                                  artifacts: ArtifactStore(settings: model.artifacts, baseDirectory: URL(fileURLWithPath: "/")),
                                  backupDirectory: nil, peers: { _ in nil }, changes: ledger)
        let events = Mutex<[ApplyEvent]>([])
        func run(_ steps: [PlanStep]) async -> ApplyReport {
            let plan = Plan(cluster: "groups", kubernetesVersion: SemanticVersion("1.31.5")!, previousKubernetesVersion: nil, hosts: [],
                            batches: [RolloutBatch(index: 1, name: "install: workers 1/1", operation: .install, hosts: ["a"], maxFailurePercent: 0)],
                            steps: steps)
            return await PlanExecution(plan: plan, contexts: ["a": context], parallelism: 4,
                                       sink: { event in events.withLock { $0.append(event) } }, interrupt: InterruptFlag()).run()
        }
        do {
            _ = try cluster.shell(cluster.nodes[0], "rm -rf \(Self.directory) /root/k8sctl-group.seen")
            let report = await run(Self.steps)
            #expect(report.failures.isEmpty, "\(report.failures)")
            #expect(counted.commands.load(ordering: .relaxed) == 3)
            #expect(try cluster.shell(cluster.nodes[0], "cat /root/k8sctl-group.seen").stdout == "one\ntwo\n")
            let finished = events.withLock { $0 }.compactMap { event -> (String, StepStatus)? in
                if case let .stepFinished(_, step, status, _, _) = event { return (step, status) }
                return nil
            }
            #expect(finished.map(\.0) == ["one", "two", "seen", "three", "four"])
            #expect(finished.filter { $0.0 != "seen" }.allSatisfy { $0.1 == .changed })
            #expect(await ledger.paths(host: "a") == Set(["one", "two", "three", "four"].map { "\(Self.directory)/\($0)" }))

            // Again: everything in place, one round trip per group, every file step `ok`.
            events.withLock { $0 = [] }
            counted.commands.store(0, ordering: .relaxed)
            _ = await run(Self.steps)
            #expect(counted.commands.load(ordering: .relaxed) == 3)
            #expect(events.withLock { $0 }.allSatisfy { event in
                if case let .stepFinished(_, step, status, _, _) = event { return step == "seen" || status == .ok }
                return true
            })

            // A file whose owner the node does not know fails on the node: the step is named.
            events.withLock { $0 = [] }
            let failing = [Self.write("one"), Self.write("bad", needs: ["one"], owner: "k8sctl-no-such-user"),
                           Self.write("after", needs: ["one"]), Self.command("later", "true", needs: ["after"])]
            let failed = await run(failing)
            let failure = try #require(failed.failures.first)
            #expect(failed.failures.count == 1)
            #expect(failure.host == "a" && failure.step == "bad", "\(failure)")
            #expect(failure.message.contains("\(Self.directory)/bad") && failure.message.contains("one transfer with one, after"), "\(failure.message)")
            let statuses = Dictionary(events.withLock { $0 }.compactMap { event -> (String, StepStatus)? in
                if case let .stepFinished(_, step, status, _, _) = event { return (step, status) }
                return nil
            }, uniquingKeysWith: { first, _ in first })
            #expect(statuses == ["one": .skipped, "bad": .failed, "after": .skipped, "later": .skipped])
            #expect(try cluster.shell(cluster.nodes[0], "test -e \(Self.directory)/bad && echo yes || echo no").stdout == "no\n")
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }
}

/// Counts the commands (round trips) sent to a host.
final class CountingHost: RemoteHost, @unchecked Sendable {
    let inner: any RemoteHost
    let commands = Atomic<Int>(0)
    init(inner: any RemoteHost) { self.inner = inner }
    var name: String { inner.name }
    var transportDescription: String { inner.transportDescription }
    func run(_ command: RemoteCommand) async throws -> CommandResult {
        commands.add(1, ordering: .relaxed)
        return try await inner.run(command)
    }
    func close() async { await inner.close() }
}
