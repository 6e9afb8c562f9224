import Foundation

/// Large values a command has finished with, left for the process's exit to reclaim instead of
/// being freed one object at a time.
///
/// `k8sctl plan` of 5,000 hosts holds ~95,000 plan steps (an ID string and a `needs` array each),
/// the YAML node tree of the inventory and its source map; freeing them after the output is
/// written was ~10 % of the command's CPU time, spent on memory the kernel takes back at exit
/// anyway. Only `runCommandLine` turns this on, since it exits right after the command returns;
/// commands run in-process (tests) free their values as usual.
enum ExitReclaim {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var enabled = false
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Called by `runCommandLine` before it runs the command.
    static func enable() { lock.withLock { enabled = true } }

    /// Keeps `value` alive until the process exits (when enabled; otherwise does nothing).
    static func keep(_ value: Any) {
        lock.withLock { if enabled { kept.append(value) } }
    }
}
