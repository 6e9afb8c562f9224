import Foundation
import K8sctlModel
import K8sctlPKI
import K8sctlRendering
import K8sctlTransport

/// Everything `apply` needs, resolved by the CLI: the desired cluster, where playbooks, templates
/// and the local PKI store are, and how to report progress.
public struct ApplyRequest: Sendable {
    public var inventoryPath: String
    public var desired: Cluster
    public var playbookDirectory: String
    public var templates: TemplateLibrary
    public var pkiStore: PKIStore
    public var connector: HostConnector
    /// How many hosts work at once (connections, steps). Sized for hundreds of hosts: each host's
    /// work is mostly waiting on the network.
    public var parallelism: Int
    public var sink: ApplyEventSink
    public var interrupt: InterruptFlag
    /// The user asks to go back to the version applied before the last upgrade (`apply --rollback`):
    /// the version decrease is allowed (K8S-VERSION-002 is the point of it) and the rollback
    /// playbook restores the files saved by the upgrade.
    public var rollback: Bool = false
    /// Set by `k8sctl rollback`: plan from the hosts' current revision, skip hosts it never reached.
    public var rollbackDirective: RollbackDirective?
    /// Hosts gone from the inventory that may be removed although they cannot be reached
    /// (`apply --remove-unreachable`): see `UnreachableRemoval`.
    public var removeUnreachable: Set<String> = []
    /// `apply --files-only`: write every file the plan would write (certificates, manifests, units,
    /// configs, binaries) and nothing else — no unit started or restarted, no command, no health
    /// wait. The revision is recorded as not completed, so the next full apply runs the same plan
    /// and starts the services. Refused on hosts whose k8sctl services already run.
    public var filesOnly: Bool = false

    public init(inventoryPath: String, desired: Cluster, playbookDirectory: String, templates: TemplateLibrary,
                pkiStore: PKIStore, connector: HostConnector, parallelism: Int = 64,
                sink: @escaping ApplyEventSink = { _ in }, interrupt: InterruptFlag = InterruptFlag()) {
        self.inventoryPath = inventoryPath
        self.desired = desired
        self.playbookDirectory = playbookDirectory
        self.templates = templates
        self.pkiStore = pkiStore
        self.connector = connector
        self.parallelism = parallelism
        self.sink = sink
        self.interrupt = interrupt
    }
}
