import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts a self-daemonising program (sshd, ssh-agent) detached from the test: new session
/// (`setsid`), stdio on /dev/null or a file, default signal handling — test runner threads block
/// signals and a child would inherit that, ignoring the SIGTERM that stops it. Waits only for the
/// launching process, never for the daemon.
public enum TestDaemon {
    /// Runs `/bin/sh -c 'exec setsid "$@" </dev/null >OUTPUT 2>&1'` and returns its exit status.
    @discardableResult
    public static func launch(_ arguments: [String], output: String = "/dev/null") throws -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let script = "out=$1; shift; exec setsid \"$@\" </dev/null >\"$out\" 2>&1"
        let argv = (["/bin/sh", "-c", script, "sh", output] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, &attributes, argv, environ)
        guard spawned == 0 else { throw TestServerError(message: "cannot start \(arguments): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
