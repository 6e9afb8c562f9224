import K8sctlTestSupport
import Testing
@testable import K8sctlPlanning

/// `StepOrdering.packedOrder` (keys packed into one integer) must give exactly the order of
/// `tupleOrder` (the key tuples compared), and refuse keys that do not fit in 64 bits.
struct StepOrderingKeyTests {
    @Test func packedOrderMatchesTupleOrderOnSeededKeys() {
        var generator = SeededGenerator(state: 8)
        for trial in 0..<300 {
            let count = Int.random(in: 0...400, using: &generator)
            // Small ranges make ties in the leading fields common; host and step rank stay unique,
            // as the expander makes them (one instance per host and playbook step).
            let steps = Int.random(in: 1...30, using: &generator)
            let batchLimit = [1, 3, 5000][trial % 3]
            let depthLimit = [1, 40, 70_000][(trial / 3) % 3]
            var pairs = Set<Int>()
            var batch: [Int] = [], depth: [Int] = [], hostRank: [Int] = [], stepRank: [Int] = []
            while batch.count < count {
                let host = Int.random(in: 0..<(count + 5), using: &generator), step = Int.random(in: 0..<steps, using: &generator)
                guard pairs.insert(host * steps + step).inserted else { continue }
                batch.append(Int.random(in: 1...batchLimit, using: &generator))
                depth.append(Int.random(in: 0..<depthLimit, using: &generator))
                hostRank.append(host)
                stepRank.append(step)
            }
            let packed = StepOrdering.packedOrder(batch: batch, depth: depth, hostRank: hostRank, stepRank: stepRank)
            #expect(packed == StepOrdering.tupleOrder(batch: batch, depth: depth, hostRank: hostRank, stepRank: stepRank), "trial \(trial)")
        }
    }

    @Test func keysWiderThan64BitsFallBack() {
        let wide = [1 << 40, 1]
        #expect(StepOrdering.packedOrder(batch: wide, depth: wide, hostRank: [0, 1], stepRank: [0, 0]) == nil)
        #expect(StepOrdering.tupleOrder(batch: wide, depth: wide, hostRank: [0, 1], stepRank: [0, 0]) == [1, 0])
        #expect(StepOrdering.packedOrder(batch: [], depth: [], hostRank: [], stepRank: []) ?? [] == [])
        #expect(StepOrdering.packedOrder(batch: [2], depth: [0], hostRank: [7], stepRank: [3]) == [0])
    }
}
