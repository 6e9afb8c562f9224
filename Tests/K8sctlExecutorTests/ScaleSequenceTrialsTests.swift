import Foundation
import K8sctlTestSupport
import Testing

/// Random scale-up/scale-down sequences on 5 systemd test nodes with real etcd, each step run the way
/// a pipeline runs it: `k8sctl state pull` → `k8sctl validate NEW --previous PULLED` → `k8sctl apply`.
///
/// A step changes 1–3 hosts at once (add or remove a control-plane+etcd host or a worker; a removed
/// node may come back later in another role); about one step in ten removes every control plane
/// (invalid); about one accepted step in five on 3 or more members first stops etcd on one of them, so the apply's
/// own validation sees a member down. For every step:
/// - validate's error rule IDs equal what `QuorumModel` (an independent set-based model of Raft
///   majorities and etcd's reconfiguration checks) says, both offline and, with the member down,
///   in apply's refusal;
/// - a refused apply changes nothing (membership as before, the stopped member started again);
/// - a host that stays but changes role in one step (removed and added back at once) is refused
///   by validate (K8S-TOPOLOGY-007), as apply would refuse it;
/// - a step that removes every host (an empty `hosts` list) is refused by validate's rules
///   (no control plane, no etcd, every member removed), not as unusable input;
/// - an accepted apply keeps etcd answering with quorum throughout (polled from this machine every
///   0.5 s), except in the join window the model allows (one live member taking a second), ends
///   with exactly the desired members all healthy, and a further apply changes nothing.
///
/// `K8SCTL_SCALE_SEED` (default 0x5eed5ca1e) and `K8SCTL_SCALE_STEPS` (default 5: 3 refusals, a 1 → 2 scale-up and a 2 → 1 scale-down; 100 under
/// `K8SCTL_LONG=1`); `scripts/fault-trials` runs the long form. See docs/faults.md.
@Suite(.serialized)
struct ScaleSequenceTrialsTests {
    enum Role: String { case controlPlane = "cp", worker }

    static func inventory(_ cluster: TestNodeCluster, roles: [Int: Role], artifacts: TestArtifactSource) -> String {
        var members = cluster
        let indices = roles.keys.sorted()
        members.nodes = indices.map { cluster.nodes[$0] }
        return ApplyEndToEndTests.inventory(name: "scale", cluster: members, roles: indices.map {
            roles[$0] == .controlPlane ? ["control-plane", "etcd"] : ["worker"]
        }, artifacts: artifacts)
    }

    /// The next roles: 1–3 hosts flip in or out; sometimes every control plane goes (invalid).
    static func mutate(_ roles: [Int: Role], nodes: Int, using generator: inout SeededGenerator) -> [Int: Role] {
        var next = roles
        if Int.random(in: 0..<10, using: &generator) == 0 {
            for (index, role) in roles where role == .controlPlane { next[index] = nil }
            // Keeps a worker, so the topology rule for workers without an API server is drawn too.
            if next.isEmpty, let spare = (0..<nodes).filter({ roles[$0] == nil }).randomElement(using: &generator) { next[spare] = .worker }
            return next.isEmpty ? mutate(roles, nodes: nodes, using: &generator) : next
        }
        let changes = [1, 1, 1, 1, 2, 2, 2, 3, 3, 3][Int.random(in: 0..<10, using: &generator)]
        for _ in 0..<changes {
            let index = Int.random(in: 0..<nodes, using: &generator)
            next[index] = next[index] == nil ? (Bool.random(using: &generator) ? .controlPlane : .worker) : nil
        }
        return next == roles ? mutate(roles, nodes: nodes, using: &generator) : next
    }

    static func describe(_ roles: [Int: Role], _ cluster: TestNodeCluster) -> String {
        roles.keys.sorted().map { "\(cluster.nodes[$0].name):\(roles[$0]!.rawValue)" }.joined(separator: " ")
    }

    static func errorIDs(fromJSON text: String) -> Set<String> {
        guard let document = BackgroundApply.parse(text.replacingOccurrences(of: "\n", with: " ")),
              let diagnostics = document["diagnostics"] as? [[String: Any]] else { return ["<unparsable validate output>"] }
        return Set(diagnostics.filter { $0["severity"] as? String == "error" }.compactMap { $0["ruleId"] as? String })
    }

    @Test(.enabled(if: ApplyEndToEndTests.available, "needs root, systemd-nspawn, debootstrap and etcd"))
    func randomScaleSequences_validateRefusesExactlyWhatTheModelSays_andAcceptedChangesKeepQuorum() throws {
        let seed = TrialSettings.seed("K8SCTL_SCALE_SEED", default: 0x5eed_5ca1e)
        let steps = TrialSettings.count("K8SCTL_SCALE_STEPS", short: 5, long: 100)
        TrialSettings.log("scale sequence: K8SCTL_SCALE_SEED=0x\(String(seed, radix: 16)) K8SCTL_SCALE_STEPS=\(steps)")
        var generator = SeededGenerator(state: seed)
        let work = try ApplyEndToEndTests.workspace("scaleseq")
        defer { try? FileManager.default.removeItem(at: work) }
        let artifacts = try TestArtifactSource.build(at: work.appendingPathComponent("artifacts"), kubernetesVersion: "1.31.4")
        try TestNodes.with(count: 5, prefix: TestNodes.uniquePrefix("scaleseq")) { (cluster: TestNodeCluster) throws in
            let applied = work.appendingPathComponent("applied.yaml")
            let desired = work.appendingPathComponent("desired.yaml")
            let pulled = work.appendingPathComponent("pulled.yaml")
            let certificates = work.appendingPathComponent("etcd-client")
            var roles: [Int: Role] = [0: .controlPlane]
            try Self.inventory(cluster, roles: roles, artifacts: artifacts).write(to: applied, atomically: true, encoding: .utf8)
            let install = try K8sctlBinary.run(["apply", applied.path])
            try #require(install.status == 0, "install failed:\n\(install.stdout.suffix(3000))\n\(install.stderr)")
            try #require(QuorumMonitor.fetchCertificates(cluster, from: cluster.nodes[0], into: certificates))
            var tally = (refusedOffline: 0, refusedOnline: 0, refusedRoleChange: 0, refusedEmpty: 0, applied: 0, joinWindows: 0, withMemberDown: 0, samples: 0)

            for step in 1...steps {
                let next = Self.mutate(roles, nodes: cluster.nodes.count, using: &generator)
                let name = { (index: Int) in cluster.nodes[index].name }
                let before = Set(roles.filter { $0.value == .controlPlane }.keys.map(name))
                let after = Set(next.filter { $0.value == .controlPlane }.keys.map(name))
                let label = "step \(step): [\(Self.describe(roles, cluster))] → [\(Self.describe(next, cluster))]"
                try Self.inventory(cluster, roles: next, artifacts: artifacts).write(to: desired, atomically: true, encoding: .utf8)

                // The pipeline gate: the previous revision from the cluster, then validate against it.
                let pull = try K8sctlBinary.run(["state", "pull", applied.path, "-o", pulled.path])
                try #require(pull.status == 0, "\(label): state pull failed: \(pull.stderr)")
                let gate = try K8sctlBinary.run(["validate", desired.path, "--previous", pulled.path, "--format", "json"])
                let offline = Self.errorIDs(fromJSON: gate.stdout)
                let workers = next.values.filter { $0 == .worker }.count
                // A host that stays but changes role (leaving and coming back within one step).
                let roleChanged = roles.keys.filter { next[$0] != nil && next[$0] != roles[$0] }.map(name).sorted()
                let expected = QuorumModel.expectedErrors(previous: before, desired: after, workers: workers, roleChanged: !roleChanged.isEmpty)
                #expect(offline == expected, "\(label): validate reported \(offline.sorted()), the model says \(expected.sorted())\n\(gate.stdout)")
                #expect(gate.status == (expected.isEmpty ? 0 : 1), "\(label): validate exit \(gate.status)")
                if !offline.isEmpty {
                    tally.refusedOffline += 1
                    if offline.contains("K8S-TOPOLOGY-007") { tally.refusedRoleChange += 1 }
                    if next.isEmpty { tally.refusedEmpty += 1 }
                    TrialSettings.log("\(label): refused by validate \(offline.sorted())")
                    continue
                }

                // Sometimes a member is down when the apply looks (etcd stopped on it).
                var down: Set<String> = []
                // Only where one member down still leaves a majority (3 or more members): the test
                // must not be the one that takes quorum away.
                if before.count >= 3 && Int.random(in: 0..<5, using: &generator) == 0 {
                    let victim = before.sorted()[Int.random(in: 0..<before.count, using: &generator)]
                    try #require(try cluster.ssh(cluster.node(victim)!, ["systemctl", "stop", "etcd"]).succeeded)
                    down = [victim]
                    tally.withMemberDown += 1
                }
                let online = QuorumModel.expectedErrors(previous: before, desired: after, workers: workers, roleChanged: !roleChanged.isEmpty, down: down)
                let endpoints = before.union(after).sorted().compactMap { cluster.node($0)?.address }
                let monitor = QuorumMonitor(endpoints: { endpoints }, certificates: certificates, fetch: { false })
                let apply = try K8sctlBinary.run(["apply", desired.path])
                let quorum = monitor.stop()
                tally.samples += quorum.samples

                if !online.isEmpty {
                    tally.refusedOnline += 1
                    #expect(apply.status == 1 && apply.stderr.contains("nothing was changed"), "\(label) (down: \(down)): apply should refuse:\n\(apply.stdout.suffix(2000))\n\(apply.stderr)")
                    for id in online { #expect(apply.stderr.contains(id), "\(label) (down: \(down)): refusal lacks \(id):\n\(apply.stderr)") }
                    let via = try #require(cluster.node(before.subtracting(down).sorted().first!))
                    #expect(try LifecycleEndToEndTests.members(cluster, via: via) == before.sorted().map { "\($0) started" },
                            "\(label): membership changed by a refused apply")
                    for name in down { try cluster.ssh(cluster.node(name)!, ["systemctl", "start", "etcd"]) }
                    TrialSettings.log("\(label): member down \(down.sorted()); apply refused \(online.sorted()); quorum \(quorum)")
                    continue
                }

                let window = QuorumModel.allowsJoinWindow(previous: before, desired: after, down: down)
                #expect(apply.status == 0, "\(label) (down: \(down)): apply failed:\n\(apply.stdout.suffix(4000))\n\(apply.stderr)")
                if quorum.lost > 0 && window { tally.joinWindows += 1 }
                #expect(quorum.lost == 0 || window, "\(label) (down: \(down)): quorum lost during an accepted change: \(quorum.lostDetails)")
                let via = try #require(cluster.node(after.sorted().first!))
                #expect(try LifecycleEndToEndTests.members(cluster, via: via) == after.sorted().map { "\($0) started" },
                        "\(label): members after the apply")
                let healthy = try LifecycleEndToEndTests.healthyCount(cluster, via: via, endpoints: after.sorted().compactMap { cluster.node($0) })
                #expect(healthy == after.count, "\(label): \(healthy) of \(after.count) members healthy")
                let again = try K8sctlBinary.run(["apply", desired.path])
                #expect(again.status == 0 && again.stdout.contains("converged: 0 changed"), "\(label): a further apply was not a no-op:\n\(again.stdout.suffix(2000))\n\(again.stderr)")
                tally.applied += 1
                TrialSettings.log("\(label): applied (exit \(apply.status))\(down.isEmpty ? "" : ", member down \(down.sorted())"); quorum \(quorum)\(window ? " (join window allowed)" : ""); no-op \(again.stdout.contains("converged: 0 changed"))")
                roles = next
                try FileManager.default.removeItem(at: applied)
                try FileManager.default.copyItem(at: desired, to: applied)
                if apply.status != 0 { break }  // the cluster is in an unknown state: the rest would only add noise
            }
            TrialSettings.log("scale sequence done (seed 0x\(String(seed, radix: 16)), \(steps) steps): \(tally.applied) applied, "
                              + "\(tally.refusedOffline) refused by validate (\(tally.refusedRoleChange) in-place role changes, \(tally.refusedEmpty) without hosts), "
                              + "\(tally.refusedOnline) refused by apply with a member down, "
                              + "\(tally.withMemberDown) with a member down, \(tally.joinWindows) join windows without quorum, \(tally.samples) health samples")
        }
    }
}
