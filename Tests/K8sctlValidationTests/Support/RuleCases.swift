import K8sctlModel
@testable import K8sctlValidation

/// One row of the rule table: an input (previous, desired, observed) and whether `rule` fires.
struct RuleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var rule: String
    var fires: Bool
    var previous: Cluster?
    var desired: Cluster
    var observed: ObservedState?

    var testDescription: String { "\(rule) \(fires ? "fires" : "quiet"): \(name)" }
    var input: ValidationInput { ValidationInput(previous: previous, desired: desired, observed: observed) }
}

import Testing

private typealias F = ClusterFixtures

private func fires(_ rule: String, _ name: String, previous: Cluster? = nil, _ desired: Cluster,
                   observed: ObservedState? = nil) -> RuleCase {
    RuleCase(name: name, rule: rule, fires: true, previous: previous, desired: desired, observed: observed)
}

private func quiet(_ rule: String, _ name: String, previous: Cluster? = nil, _ desired: Cluster,
                   observed: ObservedState? = nil) -> RuleCase {
    RuleCase(name: name, rule: rule, fires: false, previous: previous, desired: desired, observed: observed)
}

/// Every rule, both verdicts, over (previous, desired[, observed]) pairs.
enum RuleCases {
    static let topology: [RuleCase] = [
        fires("K8S-TOPOLOGY-001", "only workers and etcd", F.ha3 { F.setRoles(&$0, ["cp1", "cp2", "cp3"], [.etcd]) }),
        quiet("K8S-TOPOLOGY-001", "three control-plane hosts", F.ha3()),
        fires("K8S-TOPOLOGY-002", "etcd role on no host", F.ha3 { F.setRoles(&$0, ["cp1", "cp2", "cp3"], [.controlPlane]) }),
        quiet("K8S-TOPOLOGY-002", "three etcd members", F.ha3()),
        fires("K8S-TOPOLOGY-003", "four etcd members", F.stacked(4)),
        quiet("K8S-TOPOLOGY-003", "five etcd members", F.stacked(5)),
        fires("K8S-TOPOLOGY-004", "nine etcd members", F.stacked(9)),
        quiet("K8S-TOPOLOGY-004", "seven etcd members", F.stacked(7)),
        fires("K8S-TOPOLOGY-005", "vip mode without a vip", F.ha3 { $0.controlPlane.endpoint = APIEndpoint(mode: .vip) }),
        fires("K8S-TOPOLOGY-005", "external mode without an address", F.ha3 { $0.controlPlane.endpoint = APIEndpoint(mode: .external) }),
        quiet("K8S-TOPOLOGY-005", "vip mode with a vip", F.ha3 { $0.controlPlane.endpoint = APIEndpoint(mode: .vip, vip: IPAddress("10.0.0.100")) }),
        quiet("K8S-TOPOLOGY-005", "one control-plane host needs no HA endpoint",
              F.stacked(1) { $0.controlPlane.endpoint = APIEndpoint(mode: .vip) }),
        fires("K8S-TOPOLOGY-006", "workers, external mode, no load balancer",
              F.stacked(1) { $0.controlPlane.endpoint = APIEndpoint(mode: .external) }),
        fires("K8S-TOPOLOGY-006", "IPv6 VIP, IPv4 workers",
              F.ha3 { $0.controlPlane.endpoint = APIEndpoint(mode: .vip, vip: IPAddress("fd00::100")) }),
        quiet("K8S-TOPOLOGY-006", "local proxy on every node", F.ha3()),
        quiet("K8S-TOPOLOGY-006", "external load balancer",
              F.stacked(1) { $0.controlPlane.endpoint = APIEndpoint(mode: .external, address: "lb.example.internal:6443") }),
        fires("K8S-TOPOLOGY-007", "a worker becomes a control plane + etcd host", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["w1"], [.controlPlane, .etcd]) }),
        fires("K8S-TOPOLOGY-007", "a control plane + etcd host becomes a worker", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp3"], [.worker]) }),
        fires("K8S-TOPOLOGY-007", "a control plane loses only its etcd role", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp3"], [.controlPlane]) }),
        quiet("K8S-TOPOLOGY-007", "the host removed, a new one added with the roles", previous: F.ha3(),
              F.ha3 { $0.hosts.removeAll { $0.name == "w1" }; $0.hosts.append(F.host("cp4", "10.0.0.14", [.controlPlane, .etcd])) }),
        quiet("K8S-TOPOLOGY-007", "roles unchanged, hosts reordered", previous: F.ha3(), F.ha3 { $0.hosts.reverse() }),
    ]

    static let quorum: [RuleCase] = [
        fires("K8S-QUORUM-001", "two of three members down, a member added", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["w1"], [.worker, .etcd]) }, observed: F.observed(down: ["cp2", "cp3"])),
        fires("K8S-QUORUM-001", "one of three down and kept, a fourth added (etcd refuses adds while a member is down)", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["w1"], [.worker, .etcd]) }, observed: F.observed(down: ["cp3"])),
        quiet("K8S-QUORUM-001", "the down member replaced: remove it first, then add", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp3"], [.controlPlane]); F.setRoles(&$0, ["w1"], [.worker, .etcd]) },
              observed: F.observed(down: ["cp3"])),
        quiet("K8S-QUORUM-001", "one member replaced, all healthy", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp3"], [.controlPlane]); F.setRoles(&$0, ["w1"], [.worker, .etcd]) },
              observed: F.observed(healthy: ["cp1", "cp2", "cp3"])),
        fires("K8S-QUORUM-002", "two of three removed", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp2", "cp3"], [.controlPlane]) }),
        fires("K8S-QUORUM-002", "all removed", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp1", "cp2", "cp3"], [.controlPlane]) }),
        quiet("K8S-QUORUM-002", "one of five removed", previous: F.stacked(5),
              F.stacked(5) { F.setRoles(&$0, ["cp5"], [.controlPlane]) }),
        quiet("K8S-QUORUM-002", "two of five removed", previous: F.stacked(5),
              F.stacked(5) { F.setRoles(&$0, ["cp4", "cp5"], [.controlPlane]) }),
        fires("K8S-QUORUM-003", "etcd moved to the three workers", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp1", "cp2", "cp3"], [.controlPlane]); F.setRoles(&$0, ["w1", "w2", "w3"], [.worker, .etcd]) }),
        quiet("K8S-QUORUM-003", "one member moved to a worker", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp3"], [.controlPlane]); F.setRoles(&$0, ["w1"], [.worker, .etcd]) }),
        fires("K8S-QUORUM-004", "three members to two", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp3"], [.controlPlane]) }),
        quiet("K8S-QUORUM-004", "five members to three", previous: F.stacked(5),
              F.stacked(5) { F.setRoles(&$0, ["cp4", "cp5"], [.controlPlane]) }),
        quiet("K8S-QUORUM-004", "one member to two (growing)", previous: F.stacked(1),
              F.stacked(2)),
    ]

    static let dataLoss: [RuleCase] = [
        fires("K8S-DATALOSS-001", "etcd only on a new host", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp1", "cp2", "cp3"], [.controlPlane]); F.setRoles(&$0, ["w1"], [.worker, .etcd]) }),
        quiet("K8S-DATALOSS-001", "one current member stays", previous: F.ha3(),
              F.ha3 { F.setRoles(&$0, ["cp2", "cp3"], [.controlPlane]) }),
        fires("K8S-DATALOSS-002", "data dir moved", previous: F.ha3(), F.ha3 { $0.etcd.dataDir = "/data/etcd" }),
        quiet("K8S-DATALOSS-002", "data dir kept", previous: F.ha3(), F.ha3 { $0.etcd.snapshotDir = "/data/snap" }),
        fires("K8S-DATALOSS-003", "cluster renamed", previous: F.ha3(), F.ha3 { $0.name = "prod2" }),
        quiet("K8S-DATALOSS-003", "name kept", previous: F.ha3(), F.ha3()),
        fires("K8S-DATALOSS-004", "service CIDR changed", previous: F.ha3(),
              F.ha3 { $0.network.serviceCIDR = CIDR("10.112.0.0/12")! }),
        quiet("K8S-DATALOSS-004", "pod CIDR changed only", previous: F.ha3(),
              F.ha3 { $0.network.podCIDR = CIDR("10.245.0.0/16")! }),
        fires("K8S-DATALOSS-005", "dns domain changed", previous: F.ha3(), F.ha3 { $0.network.dnsDomain = "k8s.internal" }),
        quiet("K8S-DATALOSS-005", "dns domain kept", previous: F.ha3(), F.ha3()),
        fires("K8S-DATALOSS-006", "every control-plane host replaced", previous: F.ha3(),
              F.ha3 { $0.hosts = [F.host("cp4", "10.0.0.14", [.controlPlane, .etcd]), F.host("cp5", "10.0.0.15", [.controlPlane, .etcd]),
                                  F.host("cp6", "10.0.0.16", [.controlPlane, .etcd])] + $0.workerHosts }),
        quiet("K8S-DATALOSS-006", "one control-plane host replaced", previous: F.ha3(),
              F.ha3 { $0.hosts.removeAll { $0.name == "cp3" }; $0.hosts.append(F.host("cp4", "10.0.0.14", [.controlPlane, .etcd])) }),
        fires("K8S-DATALOSS-007", "address changed, same name", previous: F.ha3(),
              F.ha3 { $0.hosts[1].address = IPAddress("10.0.0.99")! }),
        fires("K8S-DATALOSS-007", "internal address of an etcd member changed", previous: F.ha3(),
              F.ha3 { $0.hosts[1].internalAddress = IPAddress("10.0.1.99")! }),
        quiet("K8S-DATALOSS-007", "address changed, marked replacement", previous: F.ha3(),
              F.ha3 { $0.hosts[1].address = IPAddress("10.0.0.99")!; $0.hosts[1].replacement = true }),
        fires("K8S-DATALOSS-008", "critical worker removed", previous: F.ha3 { $0.hosts[3].critical = true },
              F.ha3 { $0.hosts.removeAll { $0.name == "w1" } }),
        fires("K8S-DATALOSS-008", "worker named in criticalHosts removed", previous: F.ha3 { $0.rollout.criticalHosts = ["w2"] },
              F.ha3 { $0.hosts.removeAll { $0.name == "w2" } }),
        quiet("K8S-DATALOSS-008", "non-critical worker removed", previous: F.ha3 { $0.hosts[3].critical = true },
              F.ha3 { $0.hosts[3].critical = true; $0.hosts.removeAll { $0.name == "w2" } }),
        fires("K8S-DATALOSS-009", "key algorithm changed", previous: F.ha3(),
              F.ha3 { $0.pki.keyAlgorithm = .ecdsaP256 }),
        quiet("K8S-DATALOSS-009", "certificate validity changed only", previous: F.ha3(),
              F.ha3 { $0.pki.certificateValidityDays = 180 }),
    ]

    static let version: [RuleCase] = [
        fires("K8S-VERSION-001", "1.27 is older than supported", F.ha3 { $0.kubernetes.version = F.version("1.27.3") }),
        fires("K8S-VERSION-001", "pre-release", F.ha3 { $0.kubernetes.version = F.version("1.31.0-rc.1") }),
        quiet("K8S-VERSION-001", "1.31.4", F.ha3()),
        fires("K8S-VERSION-002", "patch downgrade", previous: F.ha3(), F.ha3 { $0.kubernetes.version = F.version("1.31.2") }),
        fires("K8S-VERSION-002", "minor downgrade", previous: F.ha3(), F.ha3 { $0.kubernetes.version = F.version("1.30.9") }),
        quiet("K8S-VERSION-002", "patch upgrade", previous: F.ha3 { $0.kubernetes.version = F.version("1.31.2") }, F.ha3()),
        fires("K8S-VERSION-003", "1.29 → 1.31", previous: F.ha3 { $0.kubernetes.version = F.version("1.29.10") }, F.ha3()),
        quiet("K8S-VERSION-003", "1.30 → 1.31", previous: F.ha3 { $0.kubernetes.version = F.version("1.30.5") }, F.ha3()),
        fires("K8S-VERSION-004", "kubelet pinned for 1.31.4 only, upgrading to 1.32.0",
              F.ha3 { $0.kubernetes.version = F.version("1.32.0"); $0.artifacts.sha256 = ["kubelet": ["1.31.4": String(repeating: "a", count: 64)]] }),
        fires("K8S-VERSION-004", "etcd pinned at another version",
              F.ha3 { $0.artifacts.sha256 = ["etcd": ["3.5.9": String(repeating: "b", count: 64)]] }),
        quiet("K8S-VERSION-004", "pins for both versions",
              F.ha3 { $0.kubernetes.version = F.version("1.32.0"); $0.artifacts.sha256 = ["kubelet": ["1.31.4": String(repeating: "a", count: 64), "v1.32.0": String(repeating: "c", count: 64)]] }),
        quiet("K8S-VERSION-004", "no pins configured", F.ha3()),
        fires("K8S-VERSION-005", "kubelet observed four minors behind", F.ha3(), observed: F.observed(kubelets: ["w1": "1.27.9"])),
        fires("K8S-VERSION-005", "kubelet observed newer than the control plane", F.ha3(), observed: F.observed(kubelets: ["w2": "1.32.1"])),
        quiet("K8S-VERSION-005", "kubelet observed three minors behind", F.ha3(), observed: F.observed(kubelets: ["w1": "1.28.0"])),
        quiet("K8S-VERSION-005", "plain one-minor upgrade", previous: F.ha3 { $0.kubernetes.version = F.version("1.30.5") }, F.ha3()),
    ]

    static let network: [RuleCase] = [
        fires("K8S-NETWORK-001", "pod CIDR inside the service CIDR", F.ha3 { $0.network.podCIDR = CIDR("10.96.0.0/16")! }),
        quiet("K8S-NETWORK-001", "defaults", F.ha3()),
        fires("K8S-NETWORK-002", "worker address in the pod CIDR", F.ha3 { $0.hosts[4].address = IPAddress("10.244.3.7")! }),
        fires("K8S-NETWORK-002", "internal address in the service CIDR", F.ha3 { $0.hosts[4].internalAddress = IPAddress("10.96.0.7")! }),
        quiet("K8S-NETWORK-002", "hosts outside both ranges", F.ha3()),
        fires("K8S-NETWORK-003", "a /29 service CIDR", F.ha3 { $0.network.serviceCIDR = CIDR("10.96.0.0/29")! }),
        fires("K8S-NETWORK-003", "a /8 service CIDR", F.ha3 { $0.network.serviceCIDR = CIDR("10.0.0.0/8")!; $0.network.podCIDR = CIDR("172.16.0.0/16")! }),
        quiet("K8S-NETWORK-003", "a /12 service CIDR", F.ha3()),
        quiet("K8S-NETWORK-003", "a /28 service CIDR", F.ha3 { $0.network.serviceCIDR = CIDR("10.96.0.0/28")! }),
        fires("K8S-NETWORK-004", "one /24 subnet for six kubelets", F.ha3 { $0.network.podCIDR = CIDR("10.244.0.0/24")! }),
        fires("K8S-NETWORK-004", "node mask shorter than the pod CIDR", F.ha3 { $0.network.nodeMaskSize = 12 }),
        quiet("K8S-NETWORK-004", "256 subnets for six kubelets", F.ha3()),
        quiet("K8S-NETWORK-004", "exactly eight subnets for six kubelets", F.ha3 { $0.network.podCIDR = CIDR("10.244.0.0/21")! }),
        fires("K8S-NETWORK-005", "VIP in the service CIDR",
              F.ha3 { $0.controlPlane.endpoint = APIEndpoint(mode: .vip, vip: IPAddress("10.96.0.50")) }),
        fires("K8S-NETWORK-005", "VIP equal to a host address",
              F.ha3 { $0.controlPlane.endpoint = APIEndpoint(mode: .vip, vip: IPAddress("10.0.0.12")) }),
        quiet("K8S-NETWORK-005", "VIP free on the host network",
              F.ha3 { $0.controlPlane.endpoint = APIEndpoint(mode: .vip, vip: IPAddress("10.0.0.100")) }),
        fires("K8S-NETWORK-006", "two hosts named w1", F.ha3 { $0.hosts[4].name = "w1" }),
        quiet("K8S-NETWORK-006", "unique names", F.ha3()),
        fires("K8S-NETWORK-007", "two hosts at one address", F.ha3 { $0.hosts[4].address = IPAddress("10.0.0.21")! }),
        fires("K8S-NETWORK-007", "internal address equal to another host's address",
              F.ha3 { $0.hosts[4].internalAddress = IPAddress("10.0.0.23")! }),
        quiet("K8S-NETWORK-007", "unique addresses", F.ha3()),
    ]

    static let rollout: [RuleCase] = [
        fires("K8S-ROLLOUT-001", "control-plane batch 0", F.ha3 { $0.rollout.controlPlane.batchSize = 0 }),
        fires("K8S-ROLLOUT-001", "worker batch 0%", F.ha3 { $0.rollout.workers.batchSize = .percent(0) }),
        fires("K8S-ROLLOUT-001", "new-worker batch 0", F.ha3 { $0.rollout.workers.newHostBatchSize = .count(0) }),
        quiet("K8S-ROLLOUT-001", "defaults", F.ha3()),
        fires("K8S-ROLLOUT-002", "worker batch 150%", F.ha3 { $0.rollout.workers.batchSize = .percent(150) }),
        fires("K8S-ROLLOUT-002", "worker batch 3 of 3 workers", F.ha3 { $0.rollout.workers.batchSize = .count(3) }),
        fires("K8S-ROLLOUT-002", "control-plane batch 3 of 3", F.ha3 { $0.rollout.controlPlane.batchSize = 3 }),
        quiet("K8S-ROLLOUT-002", "worker batch 2 of 3", F.ha3 { $0.rollout.workers.batchSize = .count(2) }),
        fires("K8S-ROLLOUT-002", "new-worker batch 150%", F.ha3 { $0.rollout.workers.newHostBatchSize = .percent(150) }),
        quiet("K8S-ROLLOUT-002", "new-worker batch 3 of 3 (all new workers at once is the default)",
              F.ha3 { $0.rollout.workers.newHostBatchSize = .count(3) }),
        fires("K8S-ROLLOUT-003", "maxFailurePercent 120", F.ha3 { $0.rollout.workers.maxFailurePercent = 120 }),
        fires("K8S-ROLLOUT-003", "maxFailurePercent -1", F.ha3 { $0.rollout.workers.maxFailurePercent = -1 }),
        quiet("K8S-ROLLOUT-003", "maxFailurePercent 100", F.ha3 { $0.rollout.workers.maxFailurePercent = 100 }),
        fires("K8S-ROLLOUT-004", "critical host w9 does not exist", F.ha3 { $0.rollout.criticalHosts = ["w1", "w9"] }),
        quiet("K8S-ROLLOUT-004", "critical host w1 exists", F.ha3 { $0.rollout.criticalHosts = ["w1"] }),
        fires("K8S-ROLLOUT-005", "batch 3 of 5 stacked members", F.stacked(5) { $0.rollout.controlPlane.batchSize = 3 }),
        fires("K8S-ROLLOUT-005", "batch 2 of 3 stacked members", F.ha3 { $0.rollout.controlPlane.batchSize = 2 }),
        quiet("K8S-ROLLOUT-005", "batch 1 of 2 stacked members: the least any rollout does",
              F.stacked(2) { $0.rollout.controlPlane.batchSize = 1 }),
        quiet("K8S-ROLLOUT-005", "batch 2 of 5 stacked members", F.stacked(5) { $0.rollout.controlPlane.batchSize = 2 }),
        quiet("K8S-ROLLOUT-005", "external etcd: control-plane restarts do not touch members",
              F.ha3 { $0.rollout.controlPlane.batchSize = 2; F.setRoles(&$0, ["cp1", "cp2", "cp3"], [.controlPlane])
                      $0.hosts += [F.host("e1", "10.0.0.31", [.etcd]), F.host("e2", "10.0.0.32", [.etcd]), F.host("e3", "10.0.0.33", [.etcd])] }),
    ]

    static let all: [RuleCase] = topology + quorum + dataLoss + version + network + rollout
}
