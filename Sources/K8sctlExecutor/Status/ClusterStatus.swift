import Foundation

/// What `k8sctl status` found: the applied state, the lock, and each host as it is now.
public struct ClusterStatus: Sendable, Codable {
    public var cluster: String
    /// The newest applied state on the control-plane hosts; nil when never applied or unreadable.
    public var applied: AppliedSummary?
    /// Why the state could not be read (no control-plane host answered, a corrupt state file).
    public var stateError: String?
    /// Whether the inventory given matches the applied one, and how it differs.
    public var inventory: InventoryComparison
    /// The cluster lock as the first reachable control-plane host holds it; nil when free.
    public var lock: LockHolder?
    public var hosts: [HostStatus]

    public init(cluster: String, applied: AppliedSummary?, stateError: String?, inventory: InventoryComparison,
                lock: LockHolder?, hosts: [HostStatus]) {
        (self.cluster, self.applied, self.stateError) = (cluster, applied, stateError)
        (self.inventory, self.lock, self.hosts) = (inventory, lock, hosts)
    }

    public struct AppliedSummary: Sendable, Codable {
        public var revision: Int
        public var appliedAt: String
        public var k8sctlVersion: String
        public var completed: Bool
        public var filesOnly: Bool
        /// The cluster was stopped with `k8sctl stop` (and not started since).
        public var stopped: Bool
        /// `RolloutStop.summary` when the last rollout stopped on its failure policy.
        public var rolloutStop: String?

        public init(revision: Int, appliedAt: String, k8sctlVersion: String, completed: Bool, filesOnly: Bool,
                    stopped: Bool, rolloutStop: String?) {
            (self.revision, self.appliedAt, self.k8sctlVersion) = (revision, appliedAt, k8sctlVersion)
            (self.completed, self.filesOnly, self.stopped, self.rolloutStop) = (completed, filesOnly, stopped, rolloutStop)
        }
    }

    public struct InventoryComparison: Sendable, Codable {
        /// True when applying the given inventory would change nothing the applied one set up.
        public var matchesApplied: Bool
        public var hostsToAdd: [String]
        public var hostsToRemove: [String]
        /// Hosts in both whose entry differs (labels, taints, address…).
        public var hostsChanged: [String]
        /// Settings that differ and reach the hosts (the planner's classification table, e.g. `kubelet.maxPods`).
        public var settingsChanged: [String]
        /// The Kubernetes version applied, when it differs from the given inventory's.
        public var appliedVersion: String?

        public init(matchesApplied: Bool, hostsToAdd: [String], hostsToRemove: [String], hostsChanged: [String] = [],
                    settingsChanged: [String] = [], appliedVersion: String?) {
            (self.matchesApplied, self.hostsToAdd, self.hostsToRemove) = (matchesApplied, hostsToAdd, hostsToRemove)
            (self.hostsChanged, self.settingsChanged, self.appliedVersion) = (hostsChanged, settingsChanged, appliedVersion)
        }
    }

    public struct LockHolder: Sendable, Codable {
        public var holder: String
        public var since: String
        public var host: String

        public init(holder: String, since: String, host: String) {
            (self.holder, self.since, self.host) = (holder, since, host)
        }
    }

    public struct HostStatus: Sendable, Codable {
        public var name: String
        public var roles: [String]
        /// Why the host could not be reached or probed; nil when it answered.
        public var unreachable: String?
        public var systemdRunning: Bool?
        /// Unit → `systemctl is-active` state (containerd, kubelet, and etcd on members).
        public var units: [String: String]
        /// The units this host's roles run, which should be active.
        public var expectedUnits: [String]
        /// Component → version its binary reports (kubelet, etcd).
        public var versions: [String: String]
        /// On etcd hosts: whether the local member answered its health check.
        public var etcdHealthy: Bool?
        /// Managed files whose content differs from what the last apply wrote (edited by hand, or
        /// a run that stopped midway), and those missing.
        public var driftedFiles: [String]
        public var missingFiles: [String]
        /// Files the last apply recorded for this host.
        public var managedFiles: Int
        /// Host clock minus this machine's clock, in seconds (certificates and etcd leases care).
        public var clockSkewSeconds: Int?
        /// The host's result in the last apply, when it failed there.
        public var lastApplyFailure: String?

        public init(name: String, roles: [String], unreachable: String?, systemdRunning: Bool?, units: [String: String],
                    expectedUnits: [String], versions: [String: String], etcdHealthy: Bool?, driftedFiles: [String],
                    missingFiles: [String], managedFiles: Int, clockSkewSeconds: Int?, lastApplyFailure: String?) {
            (self.name, self.roles, self.unreachable, self.systemdRunning) = (name, roles, unreachable, systemdRunning)
            (self.units, self.expectedUnits, self.versions, self.etcdHealthy) = (units, expectedUnits, versions, etcdHealthy)
            (self.driftedFiles, self.missingFiles, self.managedFiles) = (driftedFiles, missingFiles, managedFiles)
            (self.clockSkewSeconds, self.lastApplyFailure) = (clockSkewSeconds, lastApplyFailure)
        }
    }
}
