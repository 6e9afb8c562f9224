import Foundation
import K8sctlInventory
import K8sctlModel
import K8sctlPlanning
import K8sctlTestSupport
import K8sctlTransport
import Testing
@testable import K8sctlExecutor

/// The abort request's rules (docs/lifecycle.md, "Abort"), the stop levels, and how a resumed or
/// rolled-back run leaves hosts out of its plan.
struct AbortSemanticsTests {
    @Test func requestLine_roundTrips_andOnlyTheTargetedHolderObeysIt() throws {
        let request = AbortRequest(requestedBy: "ops@laptop", requestedAt: "2025-05-01T10:00:00Z", target: "ci@runner-7 pid 4242")
        let parsed = try #require(AbortRequest(line: request.line + "\n"))
        #expect(parsed == request)
        #expect(parsed.applies(to: "ci@runner-7 pid 4242"))
        #expect(!parsed.applies(to: "ci@runner-7 pid 4243"))
    }

    @Test(arguments: ["", "\n", "only-one-field", "a\tb", "\tt\tholder", "a\tb\t", "a\tb\tc\td"])
    func malformedRequestLines_areNoRequest(line: String) {
        #expect(AbortRequest(line: line) == nil)
    }

    @Test func interruptLevels_onlyRise_andKeepTheFirstRequester() {
        let flag = InterruptFlag()
        #expect(!flag.isRequested && !flag.stopsNow)
        flag.request(by: "first")
        #expect(flag.isRequested && !flag.stopsNow)
        flag.requestImmediateStop(by: "second")
        #expect(flag.stopsNow)
        flag.request(by: "third")
        #expect(flag.current == .now)
        #expect(flag.requester == "first")
    }

    static func plan() -> Plan {
        func step(_ host: String, _ name: String, batch: Int, needs: [String] = []) -> PlanStep {
            PlanStep(id: "upgrade/\(host)/\(name)", host: host, operation: .upgrade, step: name, batch: batch,
                     action: .cordon(NodeAction(node: host)), needs: needs)
        }
        return Plan(cluster: "c", kubernetesVersion: SemanticVersion("1.31.5")!, previousKubernetesVersion: SemanticVersion("1.31.4")!,
                    hosts: [], batches: [
                        RolloutBatch(index: 1, name: "upgrade: control plane", operation: .upgrade, hosts: ["cp1"], maxFailurePercent: 0),
                        RolloutBatch(index: 2, name: "upgrade: workers 1/2", operation: .upgrade, hosts: ["w1"], maxFailurePercent: 0, criticalHosts: ["w1"]),
                        RolloutBatch(index: 3, name: "upgrade: workers 2/2", operation: .upgrade, hosts: ["w2"], maxFailurePercent: 0),
                    ], steps: [
                        step("cp1", "snapshot", batch: 1),
                        step("cp1", "backup", batch: 1, needs: ["upgrade/cp1/snapshot"]),
                        step("w1", "backup", batch: 2, needs: ["upgrade/cp1/snapshot"]),
                        step("w1", "cordon", batch: 2, needs: ["upgrade/w1/backup"]),
                        step("w2", "backup", batch: 3, needs: ["upgrade/cp1/snapshot"]),
                        step("w2", "cordon", batch: 3, needs: ["upgrade/w2/backup", "upgrade/w1/cordon"]),
                    ])
    }

    @Test func removingHosts_dropsTheirStepsAndTheNeedsOnThem_keepingEveryOtherNeed() {
        let narrowed = Self.plan().removingSteps(onHosts: ["cp1", "w1"])
        #expect(narrowed.steps.map(\.id) == ["upgrade/w2/backup", "upgrade/w2/cordon"])
        #expect(narrowed.steps[0].needs.isEmpty)
        #expect(narrowed.steps[1].needs == ["upgrade/w2/backup"])
        #expect(narrowed.batches.map(\.hosts) == [[], [], ["w2"]])
        #expect(narrowed.batches[1].criticalHosts.isEmpty)
    }

    static let inventory = """
        apiVersion: k8sctl.dev/v1
        kind: Cluster
        metadata: { name: resume }
        spec:
          kubernetes: { version: 1.31.5 }
          hosts:
            - { name: cp1, address: 10.0.0.1, roles: [control-plane, etcd] }
            - { name: w1, address: 10.0.0.2, roles: [worker] }
            - { name: w2, address: 10.0.0.3, roles: [worker] }
        """

    static func stoppedState(inventory: String) -> AppliedState {
        AppliedState(cluster: "resume", revision: 2, k8sctlVersion: "test", inventory: inventory, files: [:], completed: false,
                     stoppedAt: "aborted", baselineInventory: "old",
                     rolloutStop: RolloutStop(reason: "aborted", batchIndex: 2, batchName: "upgrade: workers 1/2", batchCount: 3,
                                       hostsDone: ["cp1", "w1"], hostsPending: ["w2"], abortedBy: "me", abortedAt: "t"))
    }

    @Test func resume_skipsTheHostsTheStoppedRunFinished_unlessTheyDriftedSince() throws {
        let desired = try #require(InventoryLoader().load(text: Self.inventory, file: "c.yaml").cluster)
        let applied = Self.stoppedState(inventory: NativeInventoryWriter().yaml(for: desired))
        let resume = ResumePoint(applied: applied, desired: desired, drifted: ["w1"], rollback: nil)
        #expect(resume.skipped == ["cp1"])
        #expect(resume.note?.contains("redone: w1") == true, "\(resume.note ?? "")")
        // A run stopped again records the skipped hosts as done too.
        let again = RolloutStop(reason: "again", batchIndex: 1, batchName: "b", batchCount: 2, hostsDone: ["w1"], hostsPending: ["w2"])
        #expect(resume.record(again)?.hostsDone == ["cp1", "w1"])
    }

    @Test func resume_skipsNothing_whenTheInventoryChangedSinceTheStop() throws {
        let desired = try #require(InventoryLoader().load(text: Self.inventory, file: "c.yaml").cluster)
        let edited = try #require(InventoryLoader().load(text: Self.inventory.replacingOccurrences(of: "1.31.5", with: "1.31.6"), file: "c.yaml").cluster)
        let applied = Self.stoppedState(inventory: NativeInventoryWriter().yaml(for: edited))
        #expect(ResumePoint(applied: applied, desired: desired, drifted: [], rollback: nil).skipped.isEmpty)
    }
}

/// The request file on real hosts (light netns + sshd test nodes with a private /var): written only
/// where the lock is held, read only by the holder it names, removed by that holder's release, and
/// a stale one removed by the next holder's acquire.
@Suite(.serialized)
struct AbortRequestOnHostsTests {
    static func connect(_ cluster: TestNodeCluster) async throws -> (Cluster, [any RemoteHost]) {
        var text = """
        apiVersion: k8sctl.dev/v1
        kind: Cluster
        metadata: { name: abort-nodes }
        spec:
          kubernetes: { version: 1.31.4 }
          ssh: { user: root, identityFile: \(cluster.identityFile), knownHosts: \(cluster.knownHostsFile) }
          hosts:

        """
        for node in cluster.nodes { text += "    - { name: \(node.name), address: \(node.address), roles: [control-plane, etcd] }\n" }
        let model = try #require(InventoryLoader().load(text: text, file: "abort.yaml").cluster)
        let connector = HostConnector(settings: model.ssh)
        var hosts: [any RemoteHost] = []
        for host in model.hosts { hosts.append(try await connector.connect(host)) }
        return (model, hosts)
    }

    @Test(.enabled(if: TestNodes.canBootLight, "needs root, network namespaces and sshd"))
    func abortRequest_followsTheLockHolder() async throws {
        let cluster = try TestNodes.boot(count: 3, kind: .light, prefix: TestNodes.uniquePrefix("abrt"))
        defer { try? cluster.shutdown() }
        let (model, hosts) = try await Self.connect(cluster)
        let connector = HostConnector(settings: model.ssh)
        do {
            // Nothing running: no request is written anywhere.
            let idle = await RolloutAbort().request(cluster: model, connector: connector, requester: "ops@test")
            #expect(idle.requested.isEmpty)
            #expect(idle.notRunning.count == 3)
            #expect(try cluster.ssh(cluster.nodes[0], ["test", "-e", AbortRequest.path]).status != 0)

            // Run A holds the lock on a majority (2 of 3): the request lands there, for A only.
            let runA = ClusterLock(holder: "ci@runner pid 1")
            try await runA.acquire(on: hosts)
            let asked = await RolloutAbort().request(cluster: model, connector: connector, requester: "ops@test")
            #expect(asked.requested.count == 2, "\(asked.requested)")
            #expect(asked.holders == ["ci@runner pid 1"])
            let seen = await AbortRequest.pending(for: "ci@runner pid 1", on: hosts)
            #expect(seen?.requestedBy == "ops@test")
            #expect(seen?.requestedAt.isEmpty == false)
            #expect(await AbortRequest.pending(for: "ci@runner pid 2", on: hosts) == nil)
            let mode = try cluster.ssh(cluster.nodes[0], ["stat", "-c", "%a", AbortRequest.path]).stdout
            #expect(mode == "600\n")

            // A's release removes the request it obeyed.
            await runA.release(on: hosts)
            #expect(await AbortRequest.pending(for: "ci@runner pid 1", on: hosts) == nil)
            for node in cluster.nodes { #expect(try cluster.ssh(node, ["test", "-e", AbortRequest.path]).status != 0) }

            // A run killed after being asked leaves lock and request; once the lock is gone (by hand
            // here), the next holder's acquire removes the stale request and reports it.
            try await runA.acquire(on: hosts)
            _ = await RolloutAbort().request(cluster: model, connector: connector, requester: "ops@test")
            for node in cluster.nodes { _ = try cluster.ssh(node, ["rm", "-rf", ClusterLock.directory]) }
            let runB = ClusterLock(holder: "ci@runner pid 2")
            let stale = try await runB.acquire(on: hosts)
            #expect(stale.map(\.target) == ["ci@runner pid 1", "ci@runner pid 1"], "\(stale)")
            #expect(await AbortRequest.pending(for: "ci@runner pid 2", on: hosts) == nil)
            for node in cluster.nodes { #expect(try cluster.ssh(node, ["test", "-e", AbortRequest.path]).status != 0) }
            await runB.release(on: hosts)
        } catch {
            for host in hosts { await host.close() }
            throw error
        }
        for host in hosts { await host.close() }
    }
}
