import Dispatch
import Foundation
import K8sctlExecutor

/// SIGINT/SIGTERM → `InterruptFlag`: the first asks the apply to stop after the batch in flight,
/// the second to stop at once (no new step, the state records it), the third quits the process
/// (the lock stays behind: `k8sctl unlock`).
final class SignalTrap: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private var count = 0
    private let lock = NSLock()

    init(interrupt: InterruptFlag, onFirst: @escaping @Sendable () -> Void,
         onSecond: @escaping @Sendable () -> Void = {}) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                self.count += 1
                let count = self.count
                self.lock.unlock()
                switch count {
                case 1:
                    interrupt.request(by: "Ctrl-C (signal \(number)) on \(AbortRequest.defaultRequester())")
                    onFirst()
                case 2:
                    interrupt.requestImmediateStop(by: "a second Ctrl-C on \(AbortRequest.defaultRequester())")
                    onSecond()
                default:
                    exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    func restore() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
