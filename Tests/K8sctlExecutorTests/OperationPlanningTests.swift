import K8sctlInventory
import K8sctlModel
import K8sctlPlanning
import K8sctlTestSupport
import Testing
@testable import K8sctlExecutor

/// The pure parts of stop/start, reset and unreachable removal: what a reset removes, which steps an
/// unreachable host keeps, and which manifest paths are static pods.
struct OperationPlanningTests {
    static func cluster(_ file: String) throws -> Cluster {
        try #require(InventoryLoader().load(path: RepositoryPaths.inventories.appendingPathComponent(file).path).cluster)
    }

    static func plan(previous: Cluster? = nil, desired: Cluster) throws -> Plan {
        let outcome = PlanRequest(previous: previous, desired: desired, playbookDirectory: RepositoryPaths.playbooks.path,
                                  templateDirectory: RepositoryPaths.templates.path).make()
        guard case .planned(let plan, _) = outcome else { Issue.record("not planned: \(outcome)"); throw CancellationError() }
        return plan
    }

    @Test func resetFootprint_ofAControlPlaneHost_comesFromTheInstallPlan_kubeletFirst() throws {
        let cluster = try Self.cluster("ha-3.yaml")
        let host = try #require(cluster.controlPlaneHosts.first)
        let footprint = ResetFootprint.of(host: host, in: cluster, plan: try Self.plan(desired: cluster))
        #expect(footprint.units.first == "kubelet.service")
        #expect(Set(["etcd.service", "containerd.service"]).isSubset(of: Set(footprint.units)))
        for path in ["/etc/kubernetes", "/etc/etcd", "/var/lib/kubelet", cluster.etcd.dataDir, "/var/lib/k8sctl",
                     "/etc/systemd/system/etcd.service", "/usr/local/bin/kubelet"] {
            #expect(footprint.paths.contains(path), "missing \(path)")
        }
        #expect(footprint.paths == footprint.paths.sorted(), "parents must come before their children")
    }

    @Test func resetFootprint_ofAWorker_hasNoEtcd() throws {
        let cluster = try Self.cluster("ha-3.yaml")
        let worker = try #require(cluster.hosts.first { $0.isWorker && !$0.isControlPlane })
        let footprint = ResetFootprint.of(host: worker, in: cluster, plan: try Self.plan(desired: cluster))
        #expect(!footprint.units.contains("etcd.service"))
        #expect(footprint.units.contains("kubelet.service"))
        // Paths travel as argv after the fixed script: nothing from the inventory is in the script.
        let argv = footprint.argv(wipe: false, destination: "/var/lib/k8sctl-reset/x")
        #expect(argv[2] == ResetFootprint.script)
        #expect(Array(argv.suffix(footprint.paths.count + 2)) == footprint.paths + ["--forget", ClusterLock.directory],
                "the paths, then the lock this reset holds, dropped from what goes aside")
    }

    @Test func unreachableRemoval_keepsOnlyStepsThatActThroughOtherHosts() throws {
        let previous = try Self.cluster("ha-3.yaml")
        let leaving = try #require(previous.controlPlaneHosts.last)
        var desired = previous
        desired.hosts.removeAll { $0.name == leaving.name }
        let plan = try Self.plan(previous: previous, desired: desired)
        let restricted = UnreachableRemoval.restricting(plan, unreachable: [leaving.name])
        let kept = restricted.steps.filter { $0.host == leaving.name }.map(\.step)
        #expect(Set(kept) == ["cordon", "etcd-member-remove", "etcd-removed-healthy", "node-delete"], "\(kept)")
        let ids = Set(restricted.steps.map(\.id))
        #expect(restricted.steps.allSatisfy { $0.needs.allSatisfy(ids.contains) }, "a need points at a dropped step")
        // Other hosts' steps are untouched.
        #expect(restricted.steps.filter { $0.host != leaving.name } == plan.steps.filter { $0.host != leaving.name })
    }

    @Test func unreachableRemoval_withoutTheFlag_isRefusedNamingIt() throws {
        let previous = try Self.cluster("ha-3.yaml")
        let leaving = try #require(previous.hosts.last)
        var desired = previous
        desired.hosts.removeAll { $0.name == leaving.name }
        #expect(throws: ExecutorError.self) {
            _ = try UnreachableRemoval.check(removed: [leaving], desired: desired, failures: [leaving.name: "timed out"],
                                             allowed: [], sink: { _ in })
        }
        do {
            _ = try UnreachableRemoval.check(removed: [leaving], desired: desired, failures: [leaving.name: "timed out"], allowed: [], sink: { _ in })
        } catch {
            #expect("\(error)".contains("--remove-unreachable \(leaving.name)"))
        }
        let allowed = try UnreachableRemoval.check(removed: [leaving], desired: desired, failures: [leaving.name: "timed out"],
                                                   allowed: [leaving.name], sink: { _ in })
        #expect(allowed.map(\.name) == [leaving.name])
        // A host still in the inventory cannot be named.
        #expect(throws: ExecutorError.self) {
            _ = try UnreachableRemoval.check(removed: [leaving], desired: desired, failures: [:],
                                             allowed: [desired.hosts[0].name], sink: { _ in })
        }
    }

    @Test func unreachableEtcdMember_countsAsDown() throws {
        let cluster = try Self.cluster("ha-3.yaml")
        let member = try #require(cluster.etcdHosts.last)
        let observed = UnreachableRemoval.marking([member], in: ObservedState())
        #expect(observed.isEtcdMemberDown(member.name))
    }

    @Test(arguments: [("/etc/kubernetes/manifests/kube-apiserver.yaml", "kube-apiserver"),
                      ("/etc/kubernetes/manifests/haproxy.yaml", "haproxy"),
                      ("/etc/kubernetes/manifests/sub/x.yaml", nil),
                      ("/etc/kubernetes/kubelet.conf", nil)] as [(String, String?)])
    func staticPodManifestPaths(path: String, pod: String?) {
        #expect(StaticPodReplacement.pod(atPath: path) == pod)
    }

    @Test func shippedPlaybooks_waitForTheNewAPIServer_andStartWaitsForNodesReady() throws {
        let cluster = try Self.cluster("ha-3.yaml")
        let install = try Self.plan(desired: cluster)
        for step in install.steps where step.step == "apiserver-healthy" {
            guard case .wait(let wait) = step.action else { Issue.record("not a wait"); continue }
            #expect(wait.staticPod == "kube-apiserver")
        }
        let outcome = PlanRequest(desired: cluster, playbookDirectory: RepositoryPaths.playbooks.path, maintenance: .start).make()
        guard case .planned(let start, _) = outcome else { Issue.record("start not planned"); return }
        let ready = start.steps.filter { $0.step == "node-ready" }
        #expect(ready.count == cluster.hosts.filter { $0.isControlPlane || $0.isWorker }.count)
        for step in ready {
            guard case .wait(let wait) = step.action, case .nodeReady(let node) = wait.probe else { Issue.record("not nodeReady"); continue }
            #expect(node == step.host)
        }
    }
}
