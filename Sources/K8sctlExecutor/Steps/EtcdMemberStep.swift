import Foundation
import K8sctlModel
import K8sctlPlanning
import K8sctlTransport

/// `etcdctl member add/remove`, sent through a member that stays (`via`), idempotent: an added
/// member that is already listed, or a removed one that is already gone, is `ok`.
struct EtcdMemberStep {
    let action: EtcdMemberAction
    let adding: Bool

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        guard let viaName = action.via, let via = await context.peers(viaName), let viaHost = context.cluster.host(named: viaName) else {
            throw StepFailure.message("no running etcd member to send 'member \(adding ? "add" : "remove") \(action.member)' through")
        }
        let etcdctl = Self.etcdctl(endpoint: "https://\(viaHost.clusterAddress.urlHost):\(context.cluster.etcd.clientPort)")
        func runVia(_ arguments: [String]) async throws -> CommandResult {
            try await via.run(RemoteCommand(etcdctl + arguments + ["--command-timeout=10s"]))
        }
        let list = try await runVia(["member", "list", "-w", "simple"])
        guard list.succeeded else {
            throw StepFailure(command: "etcdctl member list (on \(viaName))", outcome: list.outcomeDescription, stderr: list.stderrTail())
        }
        let members = list.stdout.split(separator: "\n").map { $0.components(separatedBy: ", ") }
        let existing = members.first { $0.count > 3 && ($0[2] == action.member || $0.dropFirst(3).contains(action.peerURL)) }

        if adding {
            // A member that is listed and started is established; its etcd.env keeps what it has.
            if let existing, existing.count > 2, !existing[2].isEmpty { return (.ok, "\(action.member) already a member") }
            if existing == nil {
                try await retrying { try await runVia(["member", "add", action.member, "--peer-urls=\(action.peerURL)"]) }
            }
            // The joining member must start with the membership etcd now has, which may still hold
            // members this change removes later (a replacement adds first): not the rendered one.
            let after = try await runVia(["member", "list", "-w", "simple"])
            guard after.succeeded, let initialCluster = EtcdJoinMembership.initialCluster(
                memberList: after.stdout, joining: action.member, peerURL: action.peerURL) else {
                throw StepFailure(command: "etcdctl member list (on \(viaName))", outcome: after.outcomeDescription, stderr: after.stderrTail())
            }
            await context.changes.recordJoin(host: context.host.name, initialCluster: initialCluster)
            return (.changed, existing == nil ? "added \(action.member) (\(action.peerURL)) through \(viaName)"
                                              : "\(action.member) added before, not started yet")
        }
        guard let existing else { return (.ok, "\(action.member) not a member") }
        let healthy = try await requireQuorum(without: existing[0], members: members, via: via, viaName: viaName)
        try await retrying { try await runVia(["member", "remove", existing[0]]) }
        return (.changed, "removed \(action.member) (\(existing[0])) through \(viaName); \(healthy) healthy members stay")
    }

    /// Before a removal: the members that stay must be a healthy majority of the smaller membership
    /// (the member being removed — maybe dead — counts for nothing). Returns how many are healthy.
    /// - Throws: `StepFailure` naming the counts when the removal would leave no quorum.
    private func requireQuorum(without removedID: String, members: [[String]], via: any RemoteHost, viaName: String) async throws -> Int {
        let staying = members.filter { $0.count > 4 && $0[0] != removedID }
        let endpoints = staying.flatMap { $0[4].split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
        let needed = staying.count / 2 + 1
        var healthy = 0
        if !endpoints.isEmpty {
            let result = try await via.run(RemoteCommand(Self.etcdctl(endpoint: endpoints.joined(separator: ","))
                                                         + ["endpoint", "health", "--command-timeout=3s"]))
            healthy = (result.stdout + "\n" + result.stderr).split(separator: "\n").filter { $0.contains(" is healthy") }.count
        }
        guard healthy >= needed else {
            throw StepFailure.message("removing \(action.member) would leave \(staying.count) members of which \(healthy) answer healthy through \(viaName); "
                + "a quorum needs \(needed): nothing was removed")
        }
        return healthy
    }

    /// etcd refuses membership changes for ~5 s after a member starts ("unhealthy cluster", the
    /// strict reconfiguration check): retry for up to a minute.
    private func retrying(_ body: () async throws -> CommandResult) async throws {
        var last: CommandResult?
        for attempt in 0..<20 {
            let result = try await body()
            if result.succeeded { return }
            last = result
            if !result.stderr.contains("unhealthy") && !result.stderr.contains("not started") && attempt > 2 { break }
            try await Task.sleep(for: .seconds(3))
        }
        throw StepFailure(command: "etcdctl member \(adding ? "add" : "remove") \(action.member)",
                          outcome: last?.outcomeDescription ?? "failed", stderr: last?.stderrTail() ?? "")
    }

    static func etcdctl(endpoint: String) -> [String] {
        ["env", "ETCDCTL_API=3", "etcdctl", "--endpoints=\(endpoint)",
         "--cacert=/etc/kubernetes/pki/etcd/ca.crt",
         "--cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt",
         "--key=/etc/kubernetes/pki/etcd/healthcheck-client.key"]
    }
}

extension IPAddress {
    /// The address as it goes into a URL: IPv6 in brackets.
    var urlHost: String { isIPv4 ? description : "[\(description)]" }
}
