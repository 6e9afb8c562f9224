import Testing
@testable import K8sctlExecutor

/// A running member's etcd.env is kept when only the first-start-only lines differ, and rewritten
/// when anything etcd reads on every start differs.
struct EtcdBootstrapFlagsTests {
    static func env(_ cluster: String, _ state: String, listen: String = "https://10.0.0.1:2379") -> [UInt8] {
        Array("""
        # Rendered by k8sctl from templates/etcd.env.mustache: etcd reads ETCD_<FLAG> variables.
        # initial-cluster-state is "\(state)" for member a.
        ETCD_NAME=a
        ETCD_INITIAL_CLUSTER=\(cluster)
        ETCD_INITIAL_CLUSTER_STATE=\(state)
        ETCD_LISTEN_CLIENT_URLS=\(listen)

        """.utf8)
    }

    @Test func onlyInitialClusterLinesDiffering_countsAsTheSame() {
        #expect(EtcdBootstrapFlags.significantLines(Self.env("a=https://10.0.0.1:2380", "new"))
                == EtcdBootstrapFlags.significantLines(Self.env("a=https://10.0.0.1:2380,b=https://10.0.0.2:2380", "existing")))
    }

    @Test func aFlagReadOnEveryStartDiffering_countsAsAChange() {
        #expect(EtcdBootstrapFlags.significantLines(Self.env("a=x", "new"))
                != EtcdBootstrapFlags.significantLines(Self.env("a=x", "new", listen: "https://10.0.0.9:2379")))
    }
}
