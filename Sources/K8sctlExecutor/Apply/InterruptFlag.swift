import Synchronization

/// Set by SIGINT/SIGTERM (or `k8sctl abort` later): the executor finishes the steps in flight,
/// starts nothing new, and records where it stopped.
public final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func request() { flag.store(true, ordering: .relaxed) }
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
}
