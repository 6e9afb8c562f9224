import K8sctlModel

/// Orders expanded steps so every step comes after what it needs: by batch, then by depth in the
/// dependency graph, then by host and playbook position (so the order is deterministic). Reports
/// cycles (printed `a → b → a`) and needs that point into a later batch, which no order can satisfy.
enum StepOrdering {
    ///
    /// Works on `ExpandedStep.needPositions` (positions in `steps`), not on ID strings: a plan of
    /// 10,000 hosts has ~200,000 steps, and hashing every ID again dominated planning.
    static func order(_ steps: [ExpandedStep]) -> (steps: [PlanStep], diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let batch = steps.map(\.step.batch)
        for step in steps {
            for (need, target) in zip(step.step.needs, step.needPositions) {
                if batch[target] > step.step.batch {
                    diagnostics.append(.error("step \(step.step.id) (batch \(step.step.batch)) needs \(need), which runs in a later batch (\(steps[target].step.batch))", at: nil,
                                              hint: "the playbook's needs do not fit the rollout order; check '@all' and '@previous' edges"))
                }
            }
        }
        // Depth = 1 + the deepest need in the same batch; computed iteratively (deep chains of
        // `@previous` over many hosts would overflow a recursive walk).
        var depth = [Int](repeating: -1, count: steps.count)
        var state = [UInt8](repeating: 0, count: steps.count)  // 0 new, 1 on stack, 2 done
        for start in steps.indices where state[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = stack.last {
                let needs = steps[top.node].needPositions
                if top.next < needs.count {
                    stack[stack.count - 1].next += 1
                    let child = needs[top.next]
                    if state[child] == 1 {
                        let path = stack.map { steps[$0.node].step.id }
                        let cycle = Array(path[path.firstIndex(of: steps[child].step.id)!...]) + [steps[child].step.id]
                        diagnostics.append(.error("dependency cycle: " + cycle.joined(separator: " → "), at: nil,
                                                  hint: "remove one of these needs from the playbook"))
                        return ([], diagnostics)
                    }
                    if state[child] == 0 {
                        state[child] = 1
                        stack.append((child, 0))
                    }
                } else {
                    var deepest = 0
                    for child in needs where batch[child] == batch[top.node] {
                        deepest = max(deepest, depth[child] + 1)
                    }
                    depth[top.node] = deepest
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
        // Sort keys in one flat array: comparing whole steps would copy (retain) them each time.
        let keys = steps.indices.map { (batch[$0], depth[$0], steps[$0].hostRank, steps[$0].stepRank) }
        let sorted = steps.indices.sorted { keys[$0] < keys[$1] }
        return (sorted.map { steps[$0].step }, diagnostics)
    }
}
