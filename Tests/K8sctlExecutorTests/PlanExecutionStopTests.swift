import Foundation
import Synchronization
import K8sctlInventory
import K8sctlModel
import K8sctlPlanning
import K8sctlTestSupport
import K8sctlTransport
import Testing
@testable import K8sctlExecutor

/// How a running plan stops, with real command steps on two light test nodes (netns + sshd):
/// a stop "after the batch" lets the batch finish and starts no other, a stop "now" starts no new
/// step even inside the batch, and an abort request found between batches stops like the first.
/// The stop requests are made from the event sink when the first step finishes, so the order is
/// deterministic (the sink runs before the executor launches the next step).
@Suite(.serialized)
struct PlanExecutionStopTests {
    /// Batch 1: a/one then a/two (needs one); batch 2: b/three. Each appends its name to /root/steps.
    static func plan() -> Plan {
        func step(_ host: String, _ name: String, batch: Int, needs: [String] = []) -> PlanStep {
            PlanStep(id: "upgrade/\(host)/\(name)", host: host, operation: .upgrade, step: name, batch: batch,
                     action: .command(CommandAction(argv: ["sh", "-c", "echo \(name) >> /root/steps"], idempotent: true)), needs: needs)
        }
        return Plan(cluster: "stops", kubernetesVersion: SemanticVersion("1.31.5")!, previousKubernetesVersion: SemanticVersion("1.31.4")!,
                    hosts: [], batches: [
                        RolloutBatch(index: 1, name: "upgrade: workers 1/2", operation: .upgrade, hosts: ["a"], maxFailurePercent: 0),
                        RolloutBatch(index: 2, name: "upgrade: workers 2/2", operation: .upgrade, hosts: ["b"], maxFailurePercent: 0),
                    ], steps: [
                        step("a", "one", batch: 1),
                        step("a", "two", batch: 1, needs: ["upgrade/a/one"]),
                        step("b", "three", batch: 2),
                    ])
    }

    struct Nodes {
        var cluster: TestNodeCluster
        var contexts: [String: StepContext]
        var connections: [any RemoteHost]

        func steps(on index: Int) throws -> String {
            try cluster.shell(cluster.nodes[index], "cat /root/steps 2>/dev/null; rm -f /root/steps").stdout
        }
    }

    static func withNodes(_ body: (Nodes) async throws -> Void) async throws {
        let cluster = try TestNodes.boot(count: 2, kind: .light, prefix: TestNodes.uniquePrefix("pxst"))
        defer { try? cluster.shutdown() }
        let text = """
            apiVersion: k8sctl.dev/v1
            kind: Cluster
            metadata: { name: stops }
            spec:
              kubernetes: { version: 1.31.5 }
              ssh: { user: root, identityFile: \(cluster.identityFile), knownHosts: \(cluster.knownHostsFile) }
              hosts:
                - { name: a, address: \(cluster.nodes[0].address), roles: [worker] }
                - { name: b, address: \(cluster.nodes[1].address), roles: [worker] }
            """
        let model = try #require(InventoryLoader().load(text: text, file: "stops.yaml").cluster)
        let connector = HostConnector(settings: model.ssh)
        var contexts: [String: StepContext] = [:]
        var connections: [any RemoteHost] = []
        do {
            for host in model.hosts {
                let connection = try await connector.connect(host)
                connections.append(connection)
                contexts[host.name] = StepContext(cluster: model, host: host, connection: connection, files: [:], pkiFiles: [],
                                                  artifacts: ArtifactStore(settings: model.artifacts, baseDirectory: URL(fileURLWithPath: "/")),
                                                  backupDirectory: nil, peers: { _ in nil }, changes: ChangeLedger())
            }
            try await body(Nodes(cluster: cluster, contexts: contexts, connections: connections))
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
        for connection in connections { await connection.close() }
    }

    /// Runs the plan, calling `onFirstStep` when a/one has finished.
    static func run(_ nodes: Nodes, interrupt: InterruptFlag, abortCheck: (@Sendable () async -> AbortRequest?)? = nil,
                    onFirstStep: @escaping @Sendable () -> Void = {}) async -> ApplyReport {
        let sink: ApplyEventSink = { event in
            if case .stepFinished("a", "one", _, _, _) = event { onFirstStep() }
        }
        return await PlanExecution(plan: plan(), contexts: nodes.contexts, parallelism: 4, sink: sink, interrupt: interrupt,
                                   abortCheck: abortCheck).run()
    }

    @Test(.enabled(if: TestNodes.canBootLight, "needs root, network namespaces and sshd"))
    func stopRequests_finishTheBatch_orStopAtOnce_asAsked() async throws {
        try await Self.withNodes { nodes in
            // First Ctrl-C during batch 1: a/two still runs, batch 2 never starts.
            let afterBatch = InterruptFlag()
            let first = await Self.run(nodes, interrupt: afterBatch, onFirstStep: { afterBatch.request(by: "Ctrl-C on test") })
            #expect(try nodes.steps(on: 0) == "one\ntwo\n")
            #expect(try nodes.steps(on: 1) == "")
            let stop = try #require(first.stop)
            #expect(first.stoppedReason?.contains("interrupted by Ctrl-C on test after upgrade: workers 1/2") == true, "\(first.stoppedReason ?? "")")
            #expect(stop.hostsDone == ["a"] && stop.hostsPending == ["b"] && !stop.immediate)
            #expect(stop.batchIndex == 1 && stop.batchCount == 2 && stop.abortedBy == "Ctrl-C on test")

            // Second Ctrl-C: not even a/two starts; the record says the stop was immediate.
            let now = InterruptFlag()
            let second = await Self.run(nodes, interrupt: now, onFirstStep: { now.request(); now.requestImmediateStop() })
            #expect(try nodes.steps(on: 0) == "one\n")
            #expect(try nodes.steps(on: 1) == "")
            let immediate = try #require(second.stop)
            #expect(immediate.immediate && immediate.hostsDone.isEmpty && immediate.hostsPending == ["a", "b"], "\(immediate)")
            #expect(second.stoppedReason?.contains("stopped at once during upgrade: workers 1/2") == true)

            // An abort request found between batches: batch 1 whole, batch 2 not, the requester recorded.
            let calls = Mutex(0)
            let aborted = await Self.run(nodes, interrupt: InterruptFlag(), abortCheck: {
                let call = calls.withLock { count -> Int in
                    count += 1
                    return count
                }
                return call >= 2 ? AbortRequest(requestedBy: "ops@laptop", requestedAt: "2026-01-01T00:00:00Z", target: "me") : nil
            })
            #expect(try nodes.steps(on: 0) == "one\ntwo\n")
            #expect(try nodes.steps(on: 1) == "")
            #expect(aborted.stop?.abortedBy == "ops@laptop" && aborted.stop?.abortedAt == "2026-01-01T00:00:00Z")
            #expect(aborted.stoppedReason?.hasPrefix("aborted by ops@laptop at 2026-01-01T00:00:00Z after upgrade: workers 1/2") == true,
                    "\(aborted.stoppedReason ?? "")")

            // No request: everything runs and nothing is recorded as stopped.
            let whole = await Self.run(nodes, interrupt: InterruptFlag(), abortCheck: { nil })
            #expect(whole.succeeded && whole.stop == nil)
            #expect(try nodes.steps(on: 0) == "one\ntwo\n")
            #expect(try nodes.steps(on: 1) == "three\n")
        }
    }
}
