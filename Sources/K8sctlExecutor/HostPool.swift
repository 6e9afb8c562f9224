import K8sctlModel
import K8sctlTransport

/// One connection per host, opened in parallel (bounded) and reused for the whole run.
public actor HostPool {
    public private(set) var connections: [String: any RemoteHost] = [:]
    public private(set) var failures: [String: String] = [:]
    /// Hosts `liveConnections` could not reach again in this run.
    public private(set) var unreachable: Set<String> = []
    private let connector: HostConnector
    private let parallelism: Int

    /// - Parameter parallelism: how many handshakes run at once. Each libssh2 session has its own
    ///   thread and the handshake is mostly waiting, so this is sized for hundreds of hosts, not cores.
    public init(connector: HostConnector, parallelism: Int = 64) {
        self.connector = connector
        self.parallelism = max(1, parallelism)
    }

    /// Connects to every host not yet connected; failures are collected, not thrown, so the caller
    /// can report all of them and decide (a removed host may be unreachable on purpose).
    public func connect(_ hosts: [Host]) async {
        let pending = hosts.filter { connections[$0.name] == nil }
        let connector = self.connector
        await withTaskGroup(of: (String, Result<any RemoteHost, Error>).self) { group in
            var iterator = pending.makeIterator()
            func startNext() -> Bool {
                guard let host = iterator.next() else { return false }
                group.addTask {
                    do { return (host.name, .success(try await connector.connect(host))) }
                    catch { return (host.name, .failure(error)) }
                }
                return true
            }
            for _ in 0..<parallelism { if !startNext() { break } }
            while let (name, result) = await group.next() {
                switch result {
                case .success(let connection): connections[name] = connection; failures[name] = nil
                case .failure(let error): failures[name] = "\(error)"
                }
                _ = startNext()
            }
        }
    }

    public func connection(_ name: String) -> (any RemoteHost)? { connections[name] }

    /// The connections to `hosts`, each checked with a no-op command first; one that no longer runs a
    /// command (its TCP connection dropped, the sshd serving it killed) is replaced by a new one.
    /// Hosts that cannot be reached again are left out.
    ///
    /// Why: a run that lost a control-plane connection half-way must still record where it stopped
    /// and release the cluster lock there; with the dead session both failed and the next apply was
    /// refused by a lock whose holder had exited normally.
    public func liveConnections(_ hosts: [Host], attempts: Int = 5) async -> [any RemoteHost] {
        var live: [any RemoteHost] = []
        for host in hosts where !unreachable.contains(host.name) {
            if let existing = connections[host.name],
               (try? await existing.run(RemoteCommand(["true"], timeout: .seconds(10))))?.succeeded == true {
                live.append(existing)
                continue
            }
            await connections[host.name]?.close()
            connections[host.name] = nil
            // A killed sshd is usually back within a second (systemd restarts it): retry while the
            // host answers at once (refused); a host that stays silent is not waited for again.
            for attempt in 0..<max(1, attempts) {
                if attempt > 0 { try? await Task.sleep(for: .seconds(1)) }
                let started = ContinuousClock.now
                if let fresh = try? await connector.connect(host) {
                    connections[host.name] = fresh
                    live.append(fresh)
                    break
                }
                if ContinuousClock.now - started > .seconds(3) || attempt == attempts - 1 {
                    unreachable.insert(host.name)
                    break
                }
            }
        }
        return live
    }

    public func closeAll() async {
        for connection in connections.values { await connection.close() }
        connections.removeAll()
    }
}
