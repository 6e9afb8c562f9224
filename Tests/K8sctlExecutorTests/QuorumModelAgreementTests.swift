import K8sctlValidation
import Testing

/// The product's membership search (`EtcdMembership`, over counts) against the test's independent
/// model (`QuorumModel`, over named sets), for every membership change among 5 hosts with every
/// set of current members down: 32 × 32 × up to 32 = 7,502 cases, no nodes needed.
struct QuorumModelAgreementTests {
    @Test func everyChangeAmongFiveHosts_withEveryDownSet_isReachableExactlyWhenTheModelSaysSo() {
        let names = ["a", "b", "c", "d", "e"]
        func subset(_ mask: Int, of pool: [String]) -> Set<String> {
            Set(pool.indices.filter { mask & (1 << $0) != 0 }.map { pool[$0] })
        }
        var checked = 0, reachable = 0
        for currentMask in 1..<32 {
            let current = subset(currentMask, of: names)
            let members = current.sorted()
            for targetMask in 1..<32 {
                let target = subset(targetMask, of: names)
                for downMask in 0..<(1 << members.count) {
                    let down = subset(downMask, of: members)
                    let product = EtcdMembership(current: current, target: target, down: down).isReachableBySingleSteps
                    let model = QuorumModel.reachable(current: current, target: target, down: down)
                    #expect(product == model, "\(current.sorted()) → \(target.sorted()), down \(down.sorted()): product \(product), model \(model)")
                    checked += 1
                    if model { reachable += 1 }
                }
            }
        }
        #expect(checked == 31 * (243 - 1))  // 31 targets × Σ C(5,k)·2^k over non-empty current sets
        #expect(reachable > 0 && reachable < checked)
    }
}
