import K8sctlModel

/// Orders expanded steps so every step comes after what it needs: by batch, then by depth in the
/// dependency graph, then by host and playbook position (so the order is deterministic). Reports
/// cycles (printed `a → b → a`) and needs that point into a later batch, which no order can satisfy.
enum StepOrdering {
    ///
    /// Works on `ExpandedSteps.needTargets` (positions in `steps`), not on ID strings: a plan of
    /// 10,000 hosts has ~200,000 steps, and hashing every ID again dominated planning. The steps
    /// are moved into their order (taken out of their optional slots), not copied: a copy retains
    /// every field of every step and freeing the originals releases them again.
    static func order(_ expanded: consuming ExpandedSteps) -> (steps: [PlanStep], diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let batch = expanded.steps.map { $0!.batch }
        let needStart = expanded.needStart, needTargets = expanded.needTargets
        for index in expanded.steps.indices {
            for slot in needStart[index]..<needStart[index + 1] where batch[needTargets[slot]] > batch[index] {
                let step = expanded.steps[index]!, need = step.needs[slot - needStart[index]]
                diagnostics.append(.error("step \(step.id) (batch \(step.batch)) needs \(need), which runs in a later batch (\(batch[needTargets[slot]]))", at: nil,
                                          hint: "the playbook's needs do not fit the rollout order; check '@all' and '@previous' edges"))
            }
        }
        // Depth = 1 + the deepest need in the same batch; computed iteratively (deep chains of
        // `@previous` over many hosts would overflow a recursive walk).
        let count = expanded.count
        var depth = [Int](repeating: -1, count: count)
        var state = [UInt8](repeating: 0, count: count)  // 0 new, 1 on stack, 2 done
        for start in 0..<count where state[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = stack.last {
                let next = needStart[top.node] + top.next
                if next < needStart[top.node + 1] {
                    stack[stack.count - 1].next += 1
                    let child = needTargets[next]
                    if state[child] == 1 {
                        let path = stack.map { expanded.steps[$0.node]!.id }
                        let childID = expanded.steps[child]!.id
                        let cycle = Array(path[path.firstIndex(of: childID)!...]) + [childID]
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
                    for child in needTargets[needStart[top.node]..<needStart[top.node + 1]] where batch[child] == batch[top.node] {
                        deepest = max(deepest, depth[child] + 1)
                    }
                    depth[top.node] = deepest
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
        let sorted = packedOrder(batch: batch, depth: depth, hostRank: expanded.hostRank, stepRank: expanded.stepRank)
            ?? tupleOrder(batch: batch, depth: depth, hostRank: expanded.hostRank, stepRank: expanded.stepRank)
        var slots = expanded.steps
        expanded = ExpandedSteps()  // `slots` is now the only reference: taking from it moves, not copies
        return (moved(from: &slots, in: sorted), diagnostics)
    }

    /// Positions sorted by (batch, depth, host rank, step rank). Sort keys in one flat array:
    /// comparing whole steps would copy (retain) them each time.
    static func tupleOrder(batch: [Int], depth: [Int], hostRank: [Int], stepRank: [Int]) -> [Int] {
        let keys = batch.indices.map { (batch[$0], depth[$0], hostRank[$0], stepRank[$0]) }
        return batch.indices.sorted { keys[$0] < keys[$1] }
    }

    /// `tupleOrder` with each key and its position packed into one `UInt64` (the field widths are
    /// the bits the largest value needs), so the sort compares integers in place; nil when they
    /// need more than 64 bits. The same order: (host rank, step rank) is unique per step, so the
    /// position, packed last, never decides between two steps.
    static func packedOrder(batch: [Int], depth: [Int], hostRank: [Int], stepRank: [Int]) -> [Int]? {
        func width(_ values: [Int]) -> Int? {
            guard let largest = values.max(), let smallest = values.min(), smallest >= 0 else { return values.isEmpty ? 0 : nil }
            return Int.bitWidth - largest.leadingZeroBitCount
        }
        guard let b = width(batch), let d = width(depth), let h = width(hostRank), let s = width(stepRank),
              case let p = Int.bitWidth - (batch.count - 1).leadingZeroBitCount, b + d + h + s + p <= 64 else { return nil }
        var packed = [UInt64](repeating: 0, count: batch.count)
        for index in batch.indices {
            var key = UInt64(batch[index])
            key = key << d | UInt64(depth[index])
            key = key << h | UInt64(hostRank[index])
            key = key << s | UInt64(stepRank[index])
            packed[index] = key << p | UInt64(index)
        }
        packed.sort()
        let mask: UInt64 = p == 64 ? ~0 : (1 << p) - 1
        return packed.map { Int($0 & mask) }
    }

    /// `slots[order[0]], slots[order[1]], …`, each moved out of its slot (left nil): no retain or
    /// release per field, which a copy (or `swapAt`, which copies through a temporary) costs.
    static func moved<T>(from slots: inout [T?], in order: [Int]) -> [T] {
        var result: [T] = []
        result.reserveCapacity(order.count)
        for source in order { result.append(slots[source].take()!) }
        return result
    }
}
