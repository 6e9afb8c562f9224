import K8sctlModel
import K8sctlTransport

/// One connection per host, opened in parallel (bounded) and reused for the whole run.
public actor HostPool {
    public private(set) var connections: [String: any RemoteHost] = [:]
    public private(set) var failures: [String: String] = [:]
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

    public func closeAll() async {
        for connection in connections.values { await connection.close() }
        connections.removeAll()
    }
}
