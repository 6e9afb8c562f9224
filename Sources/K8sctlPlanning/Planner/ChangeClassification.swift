import K8sctlModel

/// How a change of one inventory setting reaches the hosts, after the seed's "Updating" section:
/// manifest/config-only changes roll without draining; changes that restart kubelet or the
/// container runtime drain each host first; some settings cannot change on a running cluster.
public enum ChangeImpact: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nothing on the hosts changes (rollout policy, SSH, artifact source…).
    case none
    /// Static pod manifests, service flags or API objects only: no drain.
    case nonIntrusive = "non-intrusive"
    /// kubelet or container runtime restart: cordon and drain first.
    case intrusive
    /// Not changeable in place (pod CIDR, etcd data dir…): the plan is refused.
    case unsupported
}

/// One row of the classification table.
public struct ChangeRule: Sendable {
    /// Inventory path of the setting (`spec.` omitted), e.g. `kubelet.maxPods`.
    public let setting: String
    public let impact: ChangeImpact
    /// Which `when:` conditions of the config-change playbook it triggers.
    public let aspects: [StepCondition]
    /// Which hosts it touches.
    public let hosts: RoleSelector
    /// Why, as printed in the plan.
    public let reason: String
    let differs: @Sendable (Cluster, Cluster) -> Bool

    init(_ setting: String, _ impact: ChangeImpact, _ aspects: [StepCondition], on hosts: RoleSelector, _ reason: String,
         differs: @escaping @Sendable (Cluster, Cluster) -> Bool) {
        self.setting = setting
        self.impact = impact
        self.aspects = aspects
        self.hosts = hosts
        self.reason = reason
        self.differs = differs
    }
}

/// The table of cluster-wide settings and what changing each one means. Host-level changes
/// (labels, taints, pool) are `nodeMetadata` and handled per host by the planner. The Kubernetes
/// and etcd versions are not here: changing them is an upgrade or a rollback.
public enum ChangeClassification {
    public static let rules: [ChangeRule] = [
        ChangeRule("kubernetes.imageRepository", .nonIntrusive, [.apiserverFlags, .controllerManagerFlags, .schedulerFlags], on: .controlPlane,
                   "static pod images change; kubelet restarts the pods") { $0.kubernetes.imageRepository != $1.kubernetes.imageRepository },
        ChangeRule("controlPlane.extraArgs.apiserver", .nonIntrusive, [.apiserverFlags], on: .controlPlane,
                   "kube-apiserver manifest only") { $0.controlPlane.extraArgs.apiserver != $1.controlPlane.extraArgs.apiserver },
        ChangeRule("controlPlane.extraArgs.controllerManager", .nonIntrusive, [.controllerManagerFlags], on: .controlPlane,
                   "kube-controller-manager manifest only") { $0.controlPlane.extraArgs.controllerManager != $1.controlPlane.extraArgs.controllerManager },
        ChangeRule("controlPlane.extraArgs.scheduler", .nonIntrusive, [.schedulerFlags], on: .controlPlane,
                   "kube-scheduler manifest only") { $0.controlPlane.extraArgs.scheduler != $1.controlPlane.extraArgs.scheduler },
        ChangeRule("controlPlane.leaderElection", .nonIntrusive, [.controllerManagerFlags, .schedulerFlags], on: .controlPlane,
                   "controller-manager and scheduler manifests only") { $0.controlPlane.leaderElection != $1.controlPlane.leaderElection },
        ChangeRule("controlPlane.endpoint", .intrusive, [.apiEndpoint, .kubeletConfig], on: .all,
                   "kubeconfigs and the API proxy change; kubelet restarts") { $0.controlPlane.endpoint != $1.controlPlane.endpoint },
        ChangeRule("etcd.extraArgs", .nonIntrusive, [.etcdFlags], on: .etcd,
                   "etcd restarts one member at a time; no workload moves") { $0.etcd.extraArgs != $1.etcd.extraArgs },
        ChangeRule("etcd.snapshotDir", .none, [], on: .etcd, "used by the next snapshot") { $0.etcd.snapshotDir != $1.etcd.snapshotDir },
        ChangeRule("etcd.snapshotRetention", .none, [], on: .etcd, "used by the next snapshot") { $0.etcd.snapshotRetention != $1.etcd.snapshotRetention },
        ChangeRule("etcd.dataDir", .unsupported, [], on: .etcd, "moving etcd's data is a backup and restore") { $0.etcd.dataDir != $1.etcd.dataDir },
        ChangeRule("etcd.clientPort", .unsupported, [], on: .etcd, "every client and certificate names it") { $0.etcd.clientPort != $1.etcd.clientPort },
        ChangeRule("etcd.peerPort", .unsupported, [], on: .etcd, "member peer URLs are stored in etcd") { $0.etcd.peerPort != $1.etcd.peerPort },
        ChangeRule("etcd.topology", .unsupported, [], on: .etcd, "moving etcd between stacked and external is a migration") { $0.etcd.topology != $1.etcd.topology },
        ChangeRule("etcd.deployment", .unsupported, [], on: .etcd, "switching etcd between unit and static pod is a migration") { $0.etcd.deployment != $1.etcd.deployment },
        ChangeRule("kubelet.maxPods", .intrusive, [.kubeletConfig], on: .kubelet, "kubelet restarts") { $0.kubelet.maxPods != $1.kubelet.maxPods },
        ChangeRule("kubelet.cgroupDriver", .intrusive, [.kubeletConfig], on: .kubelet, "kubelet and containerd restart") { $0.kubelet.cgroupDriver != $1.kubelet.cgroupDriver },
        ChangeRule("kubelet.containerRuntimeEndpoint", .intrusive, [.kubeletConfig], on: .kubelet, "kubelet restarts") { $0.kubelet.containerRuntimeEndpoint != $1.kubelet.containerRuntimeEndpoint },
        ChangeRule("kubelet.extraArgs", .intrusive, [.kubeletConfig], on: .kubelet, "kubelet restarts") { $0.kubelet.extraArgs != $1.kubelet.extraArgs },
        ChangeRule("network.dnsDomain", .unsupported, [], on: .all, "Service DNS names and the apiserver certificate carry it (K8S-DATALOSS-005)") { $0.network.dnsDomain != $1.network.dnsDomain },
        ChangeRule("network.podCIDR", .unsupported, [], on: .all, "node pod ranges are allocated from it") { $0.network.podCIDR != $1.network.podCIDR },
        ChangeRule("network.serviceCIDR", .unsupported, [], on: .all, "Service IPs are allocated from it") { $0.network.serviceCIDR != $1.network.serviceCIDR },
        ChangeRule("network.nodeMaskSize", .unsupported, [], on: .all, "node pod ranges are allocated with it") { $0.network.nodeMaskSize != $1.network.nodeMaskSize },
        ChangeRule("network.plugin", .unsupported, [], on: .all, "replacing the CNI plugin is a migration") { $0.network.plugin != $1.network.plugin },
        ChangeRule("pki.keyAlgorithm", .unsupported, [], on: .all, "new key types need a certificate rotation") { $0.pki.keyAlgorithm != $1.pki.keyAlgorithm },
        ChangeRule("pki.caValidityDays", .none, [], on: .all, "applies at the next issue") { $0.pki.caValidityDays != $1.pki.caValidityDays },
        ChangeRule("pki.certificateValidityDays", .none, [], on: .all, "applies at the next issue") { $0.pki.certificateValidityDays != $1.pki.certificateValidityDays },
        ChangeRule("pki.renewBeforeDays", .none, [], on: .all, "applies at the next apply") { $0.pki.renewBeforeDays != $1.pki.renewBeforeDays },
        ChangeRule("artifacts", .none, [], on: .all, "binaries change only with a version") { $0.artifacts != $1.artifacts },
        ChangeRule("ssh", .none, [], on: .all, "how k8sctl connects, nothing on the hosts") { $0.ssh != $1.ssh },
        ChangeRule("rollout", .none, [], on: .all, "how changes roll, nothing on the hosts") { $0.rollout != $1.rollout },
    ]

    /// The rows whose setting differs between `previous` and `desired`.
    public static func changes(from previous: Cluster, to desired: Cluster) -> [ChangeRule] {
        rules.filter { $0.differs(previous, desired) }
    }
}
