import K8sctlModel

/// The human plan, read like `terraform plan`: counts first, then each host with what happens to
/// it and its steps, file changes when known, and the rollout's batch order.
public struct PlanTextFormatter: Sendable {
    /// File changes per host (from `FileSetDiff`), shown under each host.
    public var fileChanges: [String: [FileChange]]
    /// List every step of every host (otherwise hosts with the same steps as the one before are summarised).
    public var verbose: Bool

    public init(fileChanges: [String: [FileChange]] = [:], verbose: Bool = false) {
        self.fileChanges = fileChanges
        self.verbose = verbose
    }

    static func symbol(_ operation: HostOperation) -> String {
        switch operation {
        case .install, .scaleUp: "+"
        case .scaleDown: "-"
        case .upgrade, .configChange, .rollback, .etcdBackup, .stop, .start: "~"
        case .noOp: "="
        }
    }

    public func format(_ plan: Plan) -> String {
        var out = "Cluster \(plan.cluster): Kubernetes "
        out += (plan.previousKubernetesVersion.map { $0 == plan.kubernetesVersion ? "\($0)" : "\($0) → " } ?? "")
        out += plan.previousKubernetesVersion == plan.kubernetesVersion ? "\n" : "\(plan.kubernetesVersion)\n"
        var counts: [HostOperation: Int] = [:]
        for host in plan.hosts { counts[host.operation, default: 0] += 1 }
        let added = (counts[.install] ?? 0) + (counts[.scaleUp] ?? 0)
        let changed = plan.hosts.filter { Self.symbol($0.operation) == "~" }.count
        out += "Plan: \(added) to add, \(changed) to change, \(counts[.scaleDown] ?? 0) to remove, \(counts[.noOp] ?? 0) unchanged"
        out += " — \(plan.steps.count) steps in \(plan.batches.count) batch\(plan.batches.count == 1 ? "" : "es").\n"
        let operations = HostOperation.allCases.filter { counts[$0] != nil && $0 != .noOp }
        if !operations.isEmpty {
            out += "Operations: " + operations.map { "\($0.rawValue) \(counts[$0]!)" }.joined(separator: ", ") + "\n"
        }
        if plan.isEmpty { return out + "\nNo changes. The hosts match the inventory.\n" }

        out += "\nHosts:\n"
        // Positions, not copies of the steps, grouped by host in plan order.
        var stepsByHost: [String: [Int]] = [:]
        for position in plan.steps.indices { stepsByHost[plan.steps[position].host, default: []].append(position) }
        var previousSignature: [Int]?
        var elided = 0
        let width = plan.hosts.map(\.host.count).max() ?? 0
        for host in plan.hosts {
            let pad = String(repeating: " ", count: width - host.host.count)
            out += "  \(Self.symbol(host.operation)) \(host.host)\(pad)  \(host.operation.rawValue)"
            out += "  [\(host.roles.map(\.rawValue).joined(separator: ", "))]"
            if host.critical { out += " critical" }
            if host.operation == .configChange { out += host.intrusive ? "  intrusive: drain first" : "  non-intrusive" }
            out += "\n"
            for reason in host.reasons { out += "      \(reason)\n" }
            let positions = stepsByHost[host.host] ?? []
            // The same operation/step sequence as the host above: summarised.
            if !verbose, let previousSignature, fileChanges[host.host] == nil, !positions.isEmpty,
               Self.sameSteps(previousSignature, positions, in: plan.steps) {
                out += "      \(positions.count) steps, as above\n"
                elided += 1
                continue
            }
            previousSignature = positions
            for position in positions {
                let step = plan.steps[position]
                out += "      \(Self.symbol(host.operation)) \(step.step): \(step.action.summary)\n"
            }
            for change in fileChanges[host.host] ?? [] {
                let mark = change.kind == .created ? "+" : change.kind == .removed ? "-" : "~"
                out += "      \(mark) file \(change.path) \(change.kind.rawValue)" + (change.note.map { " (\($0))" } ?? "") + "\n"
                if let diff = change.diff {
                    out += diff.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "        " + $0 }.joined(separator: "\n") + "\n"
                }
            }
        }
        if elided > 0 { out += "  (\(elided) hosts with the same steps as the host above them summarised; --verbose lists all)\n" }

        out += "\nRollout (\(plan.batches.count) batch\(plan.batches.count == 1 ? "" : "es"), in order):\n"
        for batch in plan.batches {
            let names = batch.hosts.count > 8 ? batch.hosts.prefix(8).joined(separator: ", ") + ", … (\(batch.hosts.count) hosts)"
                                              : batch.hosts.joined(separator: ", ")
            out += "  \(batch.index). \(batch.name): \(names)\n"
            var policy = ["stop if more than \(batch.maxFailurePercent)% fail"]
            if batch.maxFailurePercent == 0 { policy = ["stop on any failure"] }
            if let rule = batch.sizeRule { policy.insert("batches of \(rule)", at: 0) }
            if !batch.criticalHosts.isEmpty { policy.append("critical: \(batch.criticalHosts.joined(separator: ", "))") }
            if let pause = batch.pauseAfter { policy.append("pause \(pause) after") }
            if batch.confirmAfter { policy.append("confirm before the next batch") }
            out += "     " + policy.joined(separator: "; ") + "\n"
        }
        return out
    }

    /// Whether two hosts' steps have the same operations and step names, in order.
    private static func sameSteps(_ left: [Int], _ right: [Int], in steps: [PlanStep]) -> Bool {
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) where steps[a].operation != steps[b].operation || steps[a].step != steps[b].step {
            return false
        }
        return true
    }
}
