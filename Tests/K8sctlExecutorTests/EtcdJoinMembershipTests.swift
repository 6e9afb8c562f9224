import Testing
@testable import K8sctlExecutor

struct EtcdJoinMembershipTests {
    // `etcdctl member list -w simple` right after `member add n4` during {n1, n2, n3} → {n1, n2, n4}.
    let listed = """
        8e9e05c52164694d, started, n1, https://10.88.1.11:2380, https://10.88.1.11:2379, false
        91bc3c398fb3c146, started, n2, https://10.88.1.12:2380, https://10.88.1.12:2379, false
        fd422379fda50e48, started, n3, https://10.88.1.13:2380, https://10.88.1.13:2379, false
        a7f1c2d3e4b5a6c7, unstarted, , https://10.88.1.14:2380, , false

        """

    @Test func joiningMember_getsEveryListedMember_includingOneStillLeaving() {
        #expect(EtcdJoinMembership.initialCluster(memberList: listed, joining: "n4", peerURL: "https://10.88.1.14:2380")
            == "n1=https://10.88.1.11:2380,n2=https://10.88.1.12:2380,n3=https://10.88.1.13:2380,n4=https://10.88.1.14:2380")
    }

    @Test func memberListWithoutTheJoiningPeerURL_givesNothing() {
        #expect(EtcdJoinMembership.initialCluster(memberList: listed, joining: "n5", peerURL: "https://10.88.1.15:2380") == nil)
    }

    @Test func environmentFile_getsTheNewLine_andKeepsEveryOther() {
        let rendered = Array("# comment\nETCD_NAME=n4\nETCD_INITIAL_CLUSTER=n1=a,n2=b,n4=d\nETCD_INITIAL_CLUSTER_STATE=existing\n".utf8)
        let written = EtcdJoinMembership.replacingInitialCluster(in: rendered, with: "n1=a,n2=b,n3=c,n4=d")
        #expect(String(decoding: written, as: UTF8.self)
            == "# comment\nETCD_NAME=n4\nETCD_INITIAL_CLUSTER=n1=a,n2=b,n3=c,n4=d\nETCD_INITIAL_CLUSTER_STATE=existing\n")
    }
}
