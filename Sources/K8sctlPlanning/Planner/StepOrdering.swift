import K8sctlModel

/// Orders expanded steps so every step comes after what it needs: by batch, then by depth in the
/// dependency graph, then by host and playbook position (so the order is deterministic). Reports
/// cycles (printed `a → b → a`) and needs that point into a later batch, which no order can satisfy.
enum StepOrdering {
    static func order(_ steps: [ExpandedStep]) -> (steps: [PlanStep], diagnostics: [Diagnostic]) {
        var index: [String: Int] = [:]
        for (position, step) in steps.enumerated() { index[step.step.id] = position }
        var diagnostics: [Diagnostic] = []
        for step in steps {
            for need in step.step.needs {
                guard let target = index[need] else { continue }
                if steps[target].step.batch > step.step.batch {
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
                let needs = steps[top.node].step.needs
                if top.next < needs.count {
                    stack[stack.count - 1].next += 1
                    guard let child = index[needs[top.next]] else { continue }
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
                    for need in needs {
                        guard let child = index[need], steps[child].step.batch == steps[top.node].step.batch else { continue }
                        deepest = max(deepest, depth[child] + 1)
                    }
                    depth[top.node] = deepest
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
        let sorted = steps.indices.sorted { a, b in
            let x = steps[a], y = steps[b]
            if x.step.batch != y.step.batch { return x.step.batch < y.step.batch }
            if depth[a] != depth[b] { return depth[a] < depth[b] }
            if x.hostRank != y.hostRank { return x.hostRank < y.hostRank }
            return x.stepRank < y.stepRank
        }
        return (sorted.map { steps[$0].step }, diagnostics)
    }
}
