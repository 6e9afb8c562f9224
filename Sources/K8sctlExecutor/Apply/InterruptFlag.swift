import Synchronization

/// How a running apply is asked to stop: set by SIGINT/SIGTERM in the CLI, and by an abort request
/// found on the cluster (`k8sctl abort`), which the executor reads between batches.
///
/// Two levels, because the safe stop and the urgent one differ:
/// - **after the batch** (first Ctrl-C, `k8sctl abort`): the batch in flight runs to its end, so its
///   hosts are drained, changed, back and uncordoned; no further batch starts. Every host is then
///   fully on the old revision or fully on the new.
/// - **now** (second Ctrl-C): no new step starts, even inside the batch; steps already running on
///   a host finish (a remote command cannot be taken back halfway). Hosts of that batch may be left
///   cordoned or half-changed, and the recorded state says which.
public final class InterruptFlag: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case none = 0, afterBatch = 1, now = 2
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private let level = Atomic<Int>(0)
    private let origin = Mutex<String?>(nil)

    public init() {}

    /// Asks to stop after the batch in flight. `by` says who asked, for the recorded state.
    public func request(by requester: String = "an interrupt (SIGINT/SIGTERM)") {
        raise(to: .afterBatch, by: requester)
    }

    /// Asks to stop at once: nothing new starts, not even inside the batch in flight.
    public func requestImmediateStop(by requester: String = "a second interrupt") {
        raise(to: .now, by: requester)
    }

    /// Any stop was asked for.
    public var isRequested: Bool { current >= .afterBatch }
    /// A stop inside the batch was asked for.
    public var stopsNow: Bool { current >= .now }
    public var current: Level { Level(rawValue: level.load(ordering: .acquiring)) ?? .none }
    /// Who asked first (kept when a second, stronger request follows).
    public var requester: String? { origin.withLock { $0 } }

    private func raise(to wanted: Level, by requester: String) {
        origin.withLock { if $0 == nil { $0 = requester } }
        var seen = level.load(ordering: .acquiring)
        while seen < wanted.rawValue {
            let (exchanged, original) = level.compareExchange(expected: seen, desired: wanted.rawValue, ordering: .acquiringAndReleasing)
            if exchanged { break }
            seen = original
        }
    }
}
