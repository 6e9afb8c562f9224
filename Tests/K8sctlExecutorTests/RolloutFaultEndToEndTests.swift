import Foundation
import K8sctlTestSupport
import Testing

/// A worker that vanishes (its nspawn machine powered off) or reboots while a rollout runs, on real
/// systemd test nodes: 1 control plane + etcd and 4 workers, workers in batches of 2, a kubelet
/// configuration change (intrusive: cordon, drain, new config, restart, uncordon per worker).
///
/// The failure policy (`maxFailurePercent` of the hosts rolled so far, `critical` hosts) decides
/// exactly whether the second batch runs; the applied state records the failed host and the step
/// counts per host; once the node is back, the next apply converges.
///
/// Scenarios: `K8SCTL_ROLLOUT_SCENARIOS` (comma-separated names, default `stop-threshold` (the CI budget);
/// every scenario under `K8SCTL_LONG=1`).
@Suite(.serialized)
struct RolloutFaultEndToEndTests {
    enum Scenario: String, CaseIterable {
        /// 1 of 2 failed in the first batch = 50%, limit 50%: the rollout goes on.
        case `continue`
        /// The same at limit 40%: it stops after the first batch.
        case stopThreshold = "stop-threshold"
        /// The vanishing worker is `critical: true` (limit 50%): it stops after the first batch.
        case stopCritical = "stop-critical"
        /// A worker of the first batch reboots (power off, boot) during its batch (limit 50%).
        case reboot

        var limit: Int { self == .stopThreshold ? 40 : 50 }
        var stops: Bool { self == .stopThreshold || self == .stopCritical }
    }

    static func scenarios() -> [Scenario] {
        let environment = ProcessInfo.processInfo.environment
        if let names = environment["K8SCTL_ROLLOUT_SCENARIOS"] {
            return names.split(separator: ",").compactMap { Scenario(rawValue: String($0)) }
        }
        return environment["K8SCTL_LONG"] == "1" ? Scenario.allCases : [.stopThreshold]
    }

    static func inventory(_ cluster: TestNodeCluster, artifacts: TestArtifactSource, maxPods: Int, limit: Int, critical: String?) -> String {
        let roles = [["control-plane", "etcd"]] + Array(repeating: ["worker"], count: cluster.nodes.count - 1)
        var text = ApplyEndToEndTests.inventory(name: "rollout", cluster: cluster, roles: roles, artifacts: artifacts)
        text = text.replacingOccurrences(of: "  kubernetes: { version: 1.31.4 }\n", with: """
              kubernetes: { version: 1.31.4 }
              kubelet: { maxPods: \(maxPods) }
              rollout:
                workers: { batchSize: 2, maxFailurePercent: \(limit) }

            """)
        // A vanished host answers nothing: its commands fail when this runs out.
        text = text.replacingOccurrences(of: "  ssh: { user: root,", with: "  ssh: { commandTimeout: 15s, user: root,")
        if let critical {
            text = text.replacingOccurrences(of: "- { name: \(critical), ", with: "- { name: \(critical), critical: true, ")
        }
        return text
    }

    static func kubeletConfigSum(_ cluster: TestNodeCluster, _ node: TestNode) throws -> String {
        String(try cluster.ssh(node, ["sha256sum", "/var/lib/kubelet/config.yaml"]).stdout.prefix(64))
    }

    static func appliedState(_ cluster: TestNodeCluster) throws -> [String: Any] {
        let text = try cluster.ssh(cluster.nodes[0], ["cat", "/var/lib/k8sctl/state.json"]).stdout
        return try #require(BackgroundApply.parse(text.replacingOccurrences(of: "\n", with: " ")))
    }

    @Test(.enabled(if: ApplyEndToEndTests.available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func workerVanishingOrRebootingMidRollout_followsTheFailurePolicy_isRecorded_andConvergesWhenBack() throws {
        let work = try ApplyEndToEndTests.workspace("rolloutfault")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 5, prefix: TestNodes.uniquePrefix("rofault")) { (cluster: TestNodeCluster) throws in
            let cp = cluster.nodes[0]
            let inventory = work.appendingPathComponent("cluster.yaml")
            var maxPods = 110
            try Self.inventory(cluster, artifacts: artifacts, maxPods: maxPods, limit: 50, critical: nil)
                .write(to: inventory, atomically: true, encoding: .utf8)
            let install = try K8sctlBinary.run(["apply", inventory.path])
            try #require(install.status == 0, "install failed:\n\(install.stdout.suffix(3000))\n\(install.stderr)")

            for scenario in Self.scenarios() {
                let before = Dictionary(uniqueKeysWithValues: try cluster.nodes.map { ($0.name, try Self.kubeletConfigSum(cluster, $0)) })
                maxPods += 1
                try Self.inventory(cluster, artifacts: artifacts, maxPods: maxPods, limit: scenario.limit, critical: nil)
                    .write(to: inventory, atomically: true, encoding: .utf8)
                // The victim: the first worker of the first worker batch, as the run's own events name it.
                let apply: BackgroundApply
                var victim: TestNode?
                var firstBatch: [String] = []
                var laterBatches: [String] = []
                let critical = scenario == .stopCritical ? cluster.nodes[1].name : nil
                try Self.inventory(cluster, artifacts: artifacts, maxPods: maxPods, limit: scenario.limit, critical: critical)
                    .write(to: inventory, atomically: true, encoding: .utf8)
                apply = try BackgroundApply(["apply", inventory.path])
                var workerBatches: [[String]] = []
                _ = apply.waitForEvent { event in
                    guard event["event"] as? String == "batch-started", let hosts = event["hosts"] as? [String],
                          hosts.allSatisfy({ $0 != cp.name }) else { return false }
                    workerBatches.append(hosts)
                    return true
                }
                firstBatch = workerBatches.first ?? []
                let victimName = critical ?? firstBatch.first
                victim = cluster.nodes.first { $0.name == victimName }
                let target = try #require(victim, "\(scenario): no worker batch started")
                try #require(firstBatch.contains(target.name), "\(scenario): \(target.name) is not in the first worker batch \(firstBatch)")
                try cluster.powerOff(target)
                if scenario == .reboot { try cluster.boot(target) }
                let result = apply.finish()
                let finished = try #require(result.lines.compactMap(BackgroundApply.parse).last { $0["event"] as? String == "finished" },
                                            "\(scenario): no finished event:\n\(result.lines.suffix(20).joined(separator: "\n"))\n\(result.stderr)")
                let failures = (finished["failures"] as? [[String: Any]]) ?? []
                let stoppedReason = finished["stoppedReason"] as? String
                let others = cluster.nodes.dropFirst().map(\.name).filter { !firstBatch.contains($0) }
                laterBatches = others
                TrialSettings.log("rollout \(scenario.rawValue): victim \(target.name) in batch \(firstBatch); exit \(result.status); "
                                  + "failures \(failures.map { "\($0["host"] ?? "?") › \($0["step"] ?? "?")" }); stopped: \(stoppedReason ?? "no")")

                #expect(result.status == 1, "\(scenario): a failed host must fail the apply")
                #expect(failures.contains { $0["host"] as? String == target.name }, "\(scenario): \(target.name) not reported failed")
                #expect(!failures.contains { $0["host"] as? String != target.name }, "\(scenario): other hosts failed: \(failures)")
                if scenario.stops {
                    let expected = scenario == .stopCritical ? "critical host \(target.name) failed" : "50% of hosts failed so far (limit 40%)"
                    #expect(stoppedReason?.contains(expected) == true, "\(scenario): stopped reason \(stoppedReason ?? "none")")
                    for name in laterBatches {
                        let node = try #require(cluster.node(name))
                        #expect(try Self.kubeletConfigSum(cluster, node) == before[name], "\(scenario): \(name) changed after the rollout stopped")
                        #expect(try !UpgradeEndToEndTests.unschedulable(cluster, via: cp, node), "\(scenario): \(name) cordoned after the stop")
                    }
                } else {
                    #expect(stoppedReason == nil, "\(scenario): the rollout stopped: \(stoppedReason ?? "")")
                    for name in laterBatches {
                        let node = try #require(cluster.node(name))
                        #expect(try Self.kubeletConfigSum(cluster, node) != before[name], "\(scenario): \(name) was not rolled")
                        #expect(try !UpgradeEndToEndTests.unschedulable(cluster, via: cp, node), "\(scenario): \(name) left cordoned")
                    }
                }
                // The partner in the first batch ran in parallel and is done either way.
                for name in firstBatch where name != target.name {
                    let node = try #require(cluster.node(name))
                    #expect(try Self.kubeletConfigSum(cluster, node) != before[name], "\(scenario): \(name) (same batch) not rolled")
                }

                // The state on the cluster says the run did not complete, where it stopped, and who failed doing what.
                let state = try Self.appliedState(cluster)
                #expect(state["completed"] as? Bool == false, "\(scenario): state says completed")
                #expect((state["stoppedAt"] as? String) == stoppedReason, "\(scenario): state stoppedAt \(state["stoppedAt"] ?? "nil")")
                let hosts = (state["hosts"] as? [String: [String: Any]]) ?? [:]
                #expect((hosts[target.name]?["failed"] as? Int ?? 0) >= 1 && hosts[target.name]?["failedStep"] is String,
                        "\(scenario): state does not record \(target.name)'s failure: \(hosts[target.name] ?? [:])")
                for name in laterBatches {
                    let changed = hosts[name]?["changed"] as? Int ?? 0
                    #expect(scenario.stops ? changed == 0 : changed > 0, "\(scenario): state for \(name): \(hosts[name] ?? [:])")
                }

                // Back (powered on again if it vanished): the next apply finishes the change.
                if scenario != .reboot { try cluster.boot(target) }
                let converge = try K8sctlBinary.run(["apply", inventory.path])
                #expect(converge.status == 0, "\(scenario): apply after the node came back:\n\(converge.stdout.suffix(3000))\n\(converge.stderr)")
                for node in cluster.nodes.dropFirst() {
                    #expect(try Self.kubeletConfigSum(cluster, node) != before[node.name], "\(scenario): \(node.name) not converged")
                    #expect(try !UpgradeEndToEndTests.unschedulable(cluster, via: cp, node), "\(scenario): \(node.name) left cordoned")
                    #expect(try cluster.ssh(node, ["systemctl", "is-active", "kubelet"]).stdout == "active\n")
                }
                let recorded = try Self.appliedState(cluster)
                #expect(recorded["completed"] as? Bool == true, "\(scenario): state not completed after converging")
                #expect(try LifecycleEndToEndTests.healthyCount(cluster, via: cp, endpoints: [cp]) == 1)
            }
        }
    }
}
