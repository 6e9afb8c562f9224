import Foundation
import K8sctlTestSupport
import Testing

/// `k8sctl plan` and `k8sctl graph` as a user or pipeline runs them.
@Suite("k8sctl plan / graph")
struct PlanCommandTests {
    @Test(arguments: ["single-node.yaml", "ha-3.yaml", "etcd-5.yaml", "pools-zones.yaml"])
    func plan_printsASummaryForEverySample(name: String) throws {
        let output = try K8sctlBinary.run(["plan", "inventories/\(name)"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Plan: "))
        #expect(output.stdout.contains("Rollout ("))
    }

    @Test func planJSON_isTheDocumentedSchema() throws {
        let directory = try PlanningFixtures.directory([:])
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("plan.json").path
        let output = try K8sctlBinary.run(["plan", "inventories/ha-3.yaml", "-o", path])
        #expect(output.status == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(Set(json.keys) == ["schemaVersion", "cluster", "kubernetesVersion", "hosts", "batches", "steps"])
        let steps = try #require(json["steps"] as? [[String: Any]])
        let first = try #require(steps.first)
        #expect(Set(first.keys) == ["id", "host", "operation", "step", "batch", "action", "needs"])
        #expect((first["action"] as? [String: Any])?["kind"] as? String == "preflight")
    }

    @Test func planWithPrevious_showsTheChange() throws {
        let directory = try PlanningFixtures.directory([:])
        defer { try? FileManager.default.removeItem(at: directory) }
        let newer = try String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("etcd-5.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "version: 1.30.8", with: "version: 1.31.4")
        let path = directory.appendingPathComponent("newer.yaml").path
        try newer.write(toFile: path, atomically: true, encoding: .utf8)
        let output = try K8sctlBinary.run(["plan", path, "--previous", "inventories/etcd-5.yaml"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.hasPrefix("Cluster big-etcd: Kubernetes 1.30.8 → 1.31.4\nPlan: 0 to add, 12 to change, 0 to remove, 0 unchanged"))
        #expect(output.stdout.contains("etcd-snapshot: etcd snapshot /data/etcd-snapshots/before-v1.31.4.db (keep 10)"))
    }

    @Test func graph_isAcceptedByGraphviz() throws {
        try #require(ProcessRunner.isAvailable("dot"), "graphviz (dot) is required")
        let graph = try K8sctlBinary.run(["graph", "inventories/pools-zones.yaml"])
        #expect(graph.status == 0, "\(graph.stderr)")
        let svg = try ProcessRunner.run("dot", ["-Tsvg"], stdin: graph.stdout)
        #expect(svg.status == 0, "\(svg.stderr)")
        #expect(svg.stdout.contains("cluster_batch_1"))
    }

    @Test func brokenPlaybooks_exit2WithPositionedErrors() throws {
        let playbooks = try PlanningFixtures.directory(["install.yaml": """
        operation: install
        steps:
          - { name: a, on: all, action: cordon, needs: [b] }
          - { name: b, on: all, action: drain, needs: [a] }
        """])
        defer { try? FileManager.default.removeItem(at: playbooks) }
        let output = try K8sctlBinary.run(["plan", "inventories/single-node.yaml", "--playbooks", playbooks.path])
        #expect(output.status == 2)
        #expect(output.stdout.isEmpty)
        #expect(output.stderr.contains("install.yaml:3:5: error: dependency cycle: a → b → a"))
    }

    @Test func unsupportedChange_exits1() throws {
        let directory = try PlanningFixtures.directory([:])
        defer { try? FileManager.default.removeItem(at: directory) }
        let changed = try String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("ha-3.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "podCIDR: 10.244.0.0/16", with: "podCIDR: 10.248.0.0/16")
        let path = directory.appendingPathComponent("changed.yaml").path
        try changed.write(toFile: path, atomically: true, encoding: .utf8)
        let output = try K8sctlBinary.run(["plan", path, "--previous", "inventories/ha-3.yaml"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("changed.yaml:8:"))
        #expect(output.stderr.contains("network.podCIDR cannot change on a running cluster"))
    }
}

@Suite("k8sctl plan --rollback")
struct PlanRollbackCommandTests {
    private func upgradedEtcd5() throws -> (URL, String) {
        let directory = try PlanningFixtures.directory([:])
        let newer = try String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("etcd-5.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "version: 1.30.8", with: "version: 1.31.4")
        let path = directory.appendingPathComponent("upgraded.yaml").path
        try newer.write(toFile: path, atomically: true, encoding: .utf8)
        return (directory, path)
    }

    @Test func versionDown_withoutRollback_isRefusedByValidation() throws {
        let (directory, upgraded) = try upgradedEtcd5()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try K8sctlBinary.run(["plan", "inventories/etcd-5.yaml", "--previous", upgraded])
        #expect(output.status == 1)
        #expect(output.stderr.contains("error[K8S-VERSION-002]"))
    }

    @Test func versionDown_withRollback_restoresInReverseOrder() throws {
        let (directory, upgraded) = try upgradedEtcd5()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = try K8sctlBinary.run(["plan", "inventories/etcd-5.yaml", "--previous", upgraded, "--rollback"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("restore: restore 6 paths from revision v1.30.8"))
        let rollout = try #require(output.stdout.components(separatedBy: "Rollout (").last)
        let workers = try #require(rollout.range(of: "rollback: workers"))
        let etcd = try #require(rollout.range(of: "rollback: etcd"))
        #expect(workers.lowerBound < etcd.lowerBound)
    }

    @Test func rollbackFlag_withoutAVersionDecrease_isRefused() throws {
        let output = try K8sctlBinary.run(["plan", "inventories/etcd-5.yaml", "--previous", "inventories/etcd-5.yaml", "--rollback"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("--rollback needs --previous with a higher version"))
    }
}

@Suite("k8sctl plan --operation")
struct PlanMaintenanceCommandTests {
    @Test func etcdBackup_plansOneSnapshot() throws {
        let output = try K8sctlBinary.run(["plan", "inventories/ha-3.yaml", "--operation", "etcd-backup"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("etcd-snapshot: etcd snapshot /var/backups/etcd/backup-v1.31.4.db (keep 5)"))
        #expect(output.stdout.contains("1. etcd-backup: control plane: cp1\n"))
    }

    @Test func unknownOperation_exits2() throws {
        let output = try K8sctlBinary.run(["plan", "inventories/ha-3.yaml", "--operation", "reboot"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("--operation 'reboot' is not one of etcd-backup, stop, start"))
    }

    /// Offline every member counts as healthy (add first); `--member-down` plans as apply would
    /// with that member down: its removal is the first batch.
    @Test func memberDown_plansTheDownMembersRemovalFirst() throws {
        let directory = try PlanningFixtures.directory([:])
        defer { try? FileManager.default.removeItem(at: directory) }
        let replaced = try String(contentsOf: RepositoryPaths.inventories.appendingPathComponent("ha-3.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "name: cp3, address: 10.0.0.13, internalAddress: 10.0.1.13", with: "name: cp4, address: 10.0.0.14, internalAddress: 10.0.1.14")
        let path = directory.appendingPathComponent("replaced.yaml").path
        try replaced.write(toFile: path, atomically: true, encoding: .utf8)
        let offline = try K8sctlBinary.run(["plan", path, "--previous", "inventories/ha-3.yaml"])
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(offline.stdout.contains("  1. scale-up: control plane: cp4\n"), "\(offline.stdout.suffix(800))")
        let down = try K8sctlBinary.run(["plan", path, "--previous", "inventories/ha-3.yaml", "--member-down", "cp3"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(down.stdout.contains("  1. scale-down: control plane (etcd member down: before scale-up): cp3\n  "), "\(down.stdout.suffix(800))")
        #expect(down.stdout.contains("etcd member observed down: removed before any member is added"))
        let notAMember = try K8sctlBinary.run(["plan", path, "--previous", "inventories/ha-3.yaml", "--member-down", "w1"])
        #expect(notAMember.status == 2 && notAMember.stderr.contains("--member-down w1: not an etcd member"), "\(notAMember.stderr)")
        // With a member that stays down, no order works: refused like apply would.
        let stuck = try K8sctlBinary.run(["plan", path, "--previous", "inventories/ha-3.yaml", "--member-down", "cp1"])
        #expect(stuck.status == 1 && stuck.stderr.contains("K8S-QUORUM-001"), "\(stuck.stderr)")
    }
}
