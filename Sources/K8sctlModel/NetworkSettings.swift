/// Cluster networking: the ranges every component must agree on.
public struct NetworkSettings: Sendable, Hashable, Codable {
    public var podCIDR: CIDR
    public var serviceCIDR: CIDR
    /// Prefix length of each node's pod subnet carved out of `podCIDR`.
    public var nodeMaskSize: Int
    public var dnsDomain: String
    /// CNI plugin name (calico, flannel, cilium, …); rendered as an addon.
    public var plugin: String

    public init(podCIDR: CIDR = Defaults.podCIDR, serviceCIDR: CIDR = Defaults.serviceCIDR,
                nodeMaskSize: Int = Defaults.nodeMaskSize, dnsDomain: String = Defaults.dnsDomain,
                plugin: String = Defaults.networkPlugin) {
        self.podCIDR = podCIDR
        self.serviceCIDR = serviceCIDR
        self.nodeMaskSize = nodeMaskSize
        self.dnsDomain = dnsDomain
        self.plugin = plugin
    }

    /// The first usable service IP: the `kubernetes` Service's ClusterIP and an apiserver SAN.
    public var kubernetesServiceIP: IPAddress { serviceCIDR.address(at: 1) ?? serviceCIDR.network }
    /// The tenth service IP, where kubeadm and Kubespray put cluster DNS.
    public var clusterDNSIP: IPAddress { serviceCIDR.address(at: 10) ?? serviceCIDR.network }
    /// How many node pod subnets `podCIDR` holds with `nodeMaskSize`.
    public var nodeSubnetCount: UInt64 {
        let bits = nodeMaskSize - podCIDR.prefixLength
        if bits < 0 { return 0 }
        return bits >= 63 ? UInt64.max : UInt64(1) << UInt64(bits)
    }
}
