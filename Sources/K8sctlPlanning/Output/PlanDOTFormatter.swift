/// The plan's task graph as Graphviz DOT: one cluster per batch, inside it one cluster per host,
/// a node per step and an edge per `needs`. `k8sctl graph cluster.yaml | dot -Tsvg > plan.svg`.
public struct PlanDOTFormatter: Sendable {
    public init() {}

    public func format(_ plan: Plan) -> String {
        var out = "digraph \(quote("k8sctl " + plan.cluster)) {\n"
        out += "  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", label=\(quote(title(plan)))];\n"
        out += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f5f5f5\", fontname=\"Helvetica\", fontsize=10];\n"
        out += "  edge [color=\"#777777\"];\n"
        var byBatch: [Int: [String: [PlanStep]]] = [:]
        for step in plan.steps { byBatch[step.batch, default: [:]][step.host, default: []].append(step) }
        for batch in plan.batches {
            out += "  subgraph \(quote("cluster_batch_\(batch.index)")) {\n"
            out += "    label=\(quote("batch \(batch.index): \(batch.name)"));\n    style=rounded; color=\"#3b6ea5\";\n"
            let hosts = byBatch[batch.index] ?? [:]
            for host in batch.hosts {
                guard let steps = hosts[host] else { continue }
                out += "    subgraph \(quote("cluster_\(batch.index)_\(host)")) {\n"
                out += "      label=\(quote(host + (batch.criticalHosts.contains(host) ? " (critical)" : ""))); style=dashed; color=\"#999999\";\n"
                for step in steps {
                    out += "      \(quote(step.id)) [label=\(quote("\(step.step)\\n\(step.action.kind.rawValue)"))\(color(step))];\n"
                }
                out += "    }\n"
            }
            out += "  }\n"
        }
        for step in plan.steps {
            for need in step.needs { out += "  \(quote(need)) -> \(quote(step.id));\n" }
        }
        return out + "}\n"
    }

    private func title(_ plan: Plan) -> String {
        "\(plan.cluster): Kubernetes " + (plan.previousKubernetesVersion.map { "\($0) → " } ?? "") + plan.kubernetesVersion.description
    }

    private func color(_ step: PlanStep) -> String {
        switch step.action.kind {
        case .etcdMemberAdd, .etcdMemberRemove, .etcdSnapshot: ", fillcolor=\"#fde2c8\""
        case .drain, .cordon, .uncordon, .deleteNode: ", fillcolor=\"#fff3b0\""
        case .wait, .preflight: ", fillcolor=\"#d9ead3\""
        default: ""
        }
    }

    /// A DOT string literal: quotes and backslashes escaped, except the `\n` line breaks we insert.
    private func quote(_ text: String) -> String {
        var escaped = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return "\"" + escaped + "\""
    }
}
