/// Bounds on what one Ansible inventory may resolve to. An INI range line is a few bytes and a
/// host each; its variables are copied onto every host. Without bounds a small file becomes
/// minutes of work (a 542-byte file of 30 range lines was 3 million hosts and a 3-minute import).
public struct AnsibleInventoryLimits: Sendable {
    /// Hosts, all sources together.
    public var hosts: Int
    /// Resolved variables summed over hosts (hosts × variables each): the work of resolving and
    /// importing grows with it.
    public var hostVariables: Int

    public init(hosts: Int, hostVariables: Int) {
        self.hosts = hosts
        self.hostVariables = hostVariables
    }

    /// What `k8sctl` accepts: 5 times Kubernetes' supported cluster size (5,000 nodes), and room
    /// for 400 variables on each of those hosts (Kubespray's sample gives each host about 127).
    public static let standard = AnsibleInventoryLimits(hosts: 25_000, hostVariables: 10_000_000)
}
