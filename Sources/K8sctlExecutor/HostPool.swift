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
        let wanted = hosts.filter { !unreachable.contains($0.name) }
        // Every host checked at once (perf-fleet: a large control plane is one round trip, not one per host).
        let checked = wanted.compactMap { host in connections[host.name].map { (host.name, $0) } }
        let alive = await withTaskGroup(of: (String, Bool).self) { group in
            for (name, connection) in checked {
                group.addTask { (name, (try? await connection.run(RemoteCommand(["true"], timeout: .seconds(10))))?.succeeded == true) }
            }
            return await group.reduce(into: Set<String>()) { if $1.1 { $0.insert($1.0) } }
        }
        let lost = wanted.filter { !alive.contains($0.name) }
        for host in lost {
            await connections[host.name]?.close()
            connections[host.name] = nil
        }
        let connector = self.connector
        let reconnected = await withTaskGroup(of: (String, (any RemoteHost)?).self) { group in
            for host in lost { group.addTask { (host.name, await Self.reconnect(host, connector, attempts: attempts)) } }
            return await group.reduce(into: [String: (any RemoteHost)?]()) { $0[$1.0] = $1.1 }
        }
        var live: [any RemoteHost] = []
        for host in wanted {
            if alive.contains(host.name), let existing = connections[host.name] {
                live.append(existing)
            } else if let fresh = reconnected[host.name] ?? nil {
                connections[host.name] = fresh
                live.append(fresh)
            } else {
                unreachable.insert(host.name)
            }
        }
        return live
    }

    /// A killed sshd is usually back within a second (systemd restarts it): retry while the host
    /// answers at once (refused); a host that stays silent is not waited for again.
    private static func reconnect(_ host: Host, _ connector: HostConnector, attempts: Int) async -> (any RemoteHost)? {
        for attempt in 0..<max(1, attempts) {
            if attempt > 0 { try? await Task.sleep(for: .seconds(1)) }
            let started = ContinuousClock.now
            if let fresh = try? await connector.connect(host) { return fresh }
            if ContinuousClock.now - started > .seconds(3) { return nil }
        }
        return nil
    }

    public func closeAll() async {
        for connection in connections.values { await connection.close() }
        connections.removeAll()
    }
}
