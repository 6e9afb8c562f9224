import K8sctlModel
import Testing
@testable import K8sctlPKI

@Suite struct CertificateCatalogTests {
    let entries = CertificateCatalog.entries

    @Test func everyLeaf_namesAnAuthorityOfTheCatalog() {
        let authorities = Set(CertificateCatalog.authorities.map(\.name))
        for entry in entries {
            if let authority = entry.authorityName { #expect(authorities.contains(authority), "\(entry.name) → \(authority)") }
        }
    }

    @Test func authorities_comeBeforeEveryLeaf() {
        let lastAuthority = entries.lastIndex(where: \.isAuthority)!
        let firstLeaf = entries.firstIndex { $0.authorityName != nil }!
        #expect(lastAuthority < firstLeaf)
    }

    @Test func namesAndNodePaths_areUnique() {
        #expect(Set(entries.map(\.name)).count == entries.count)
        var paths: [String] = []
        var kubeconfigs: [String] = []
        for entry in entries {
            switch entry.placement {
            case let .files(certificate, key): paths += [certificate, key]
            case let .kubeconfig(name): kubeconfigs.append(name)
            }
        }
        #expect(Set(paths).count == paths.count)
        #expect(Set(kubeconfigs).count == kubeconfigs.count)
        #expect(paths.allSatisfy { $0.hasPrefix("/etc/kubernetes/pki/") })
    }

    @Test func keyRecipients_alsoReceiveTheCertificate() {
        for entry in entries { #expect(entry.recipients.key.isSubset(of: entry.recipients.certificate), "\(entry.name)") }
    }

    @Test func kubeadmLayout_isComplete() {
        var files = Set<String>()
        for case let .files(certificate, key) in entries.map(\.placement) { files.formUnion([certificate, key]) }
        let expected = ["ca", "apiserver", "apiserver-kubelet-client", "front-proxy-ca", "front-proxy-client",
                        "apiserver-etcd-client"].flatMap { ["/etc/kubernetes/pki/\($0).crt", "/etc/kubernetes/pki/\($0).key"] }
            + ["ca", "server", "peer", "healthcheck-client"].flatMap { ["/etc/kubernetes/pki/etcd/\($0).crt", "/etc/kubernetes/pki/etcd/\($0).key"] }
            + ["/etc/kubernetes/pki/sa.key", "/etc/kubernetes/pki/sa.pub"]
        #expect(files == Set(expected))
        let kubeconfigs = Set(entries.compactMap { if case .kubeconfig(let name) = $0.placement { name } else { nil } })
        #expect(kubeconfigs == ["admin", "super-admin", "controller-manager", "scheduler", "kubelet"])
    }

    /// kubeadm ≥ 1.29 identities: admin left system:masters for kubeadm:cluster-admins.
    @Test(arguments: [
        ("kubeconfig-admin", "kubernetes-admin", ["kubeadm:cluster-admins"]),
        ("kubeconfig-super-admin", "kubernetes-super-admin", ["system:masters"]),
        ("kubeconfig-controller-manager", "system:kube-controller-manager", []),
        ("kubeconfig-scheduler", "system:kube-scheduler", []),
        ("kubeconfig-kubelet", "system:node:w1", ["system:nodes"]),
        ("apiserver-kubelet-client", "kube-apiserver-kubelet-client", ["kubeadm:cluster-admins"]),
        ("apiserver-etcd-client", "kube-apiserver-etcd-client", []),
        ("etcd-healthcheck-client", "kube-etcd-healthcheck-client", []),
        ("etcd-server", "w1", []),
    ])
    func identities_matchKubeadm(name: String, commonName: String, organizations: [String]) {
        let host = Host(name: "w1", address: IPAddress("10.0.0.21")!, roles: [.worker, .etcd])
        let entry = CertificateCatalog.entry(named: name)!
        #expect(entry.commonName.resolve(host: host) == commonName)
        #expect(entry.organizations == organizations)
    }

    @Test func apiServerNames_coverServiceNamesHostAndEndpoint() {
        let cluster = PKIFixtures.cluster()
        let names = SubjectAlternativeNameRule.apiServer.resolve(host: cluster.hosts[0], cluster: cluster)
        #expect(names.dnsNames == ["kubernetes", "kubernetes.default", "kubernetes.default.svc",
                                   "kubernetes.default.svc.cluster.local", "cp1", "api.example.test"])
        #expect(names.ipAddresses == Set(["10.96.0.1", "10.0.0.11", "192.168.0.11", "127.0.0.1", "10.0.0.100"].map { IPAddress($0)! }))
    }

    @Test func externalEndpoint_nameOrAddress_landsInTheRightSANKind() {
        var cluster = PKIFixtures.cluster()
        cluster.controlPlane.endpoint = APIEndpoint(mode: .external, address: "lb.example.test:443")
        var names = SubjectAlternativeNameRule.apiServer.resolve(host: cluster.hosts[1], cluster: cluster)
        #expect(names.dnsNames.contains("lb.example.test"))
        cluster.controlPlane.endpoint = APIEndpoint(mode: .external, address: "203.0.113.7:6443")
        names = SubjectAlternativeNameRule.apiServer.resolve(host: cluster.hosts[1], cluster: cluster)
        #expect(names.ipAddresses.contains(IPAddress("203.0.113.7")!))
    }

    @Test func credentials_followRoles() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256, extraHosts: [
            Host(name: "e1", address: IPAddress("10.0.0.31")!, roles: [.etcd]),
        ])
        let (state, _) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let controlPlane = state.credentials(for: cluster.host(named: "cp1")!)
        let worker = state.credentials(for: cluster.host(named: "w1")!)
        let etcdOnly = state.credentials(for: cluster.host(named: "e1")!)
        #expect(Set(worker.files.map(\.path)) == ["/etc/kubernetes/pki/ca.crt"])
        #expect(Set(worker.kubeconfigs.keys) == ["kubelet"])
        #expect(worker.kubeconfigs["kubelet"]?.userName == "system:node:w1")
        #expect(etcdOnly.kubeconfigs.isEmpty)
        #expect(Set(etcdOnly.files.map(\.path)) == Set(["ca.crt", "server.crt", "server.key", "peer.crt", "peer.key",
                                                        "healthcheck-client.crt", "healthcheck-client.key"].map { "/etc/kubernetes/pki/etcd/" + $0 }))
        #expect(Set(controlPlane.kubeconfigs.keys) == ["admin", "super-admin", "controller-manager", "scheduler", "kubelet"])
        #expect(controlPlane.files.contains { $0.path == "/etc/kubernetes/pki/sa.key" && $0.mode == 0o600 && $0.isSecret })
        #expect(controlPlane.files.filter { $0.path.hasSuffix(".key") }.allSatisfy { $0.mode == 0o600 && $0.isSecret })
        #expect(controlPlane.files.allSatisfy { $0.text.hasSuffix("\n") })
    }

    @Test func printing_neverShowsAKey() throws {
        let directory = try TemporaryDirectory()
        let cluster = PKIFixtures.cluster(algorithm: .ecdsaP256)
        let (state, _) = try ClusterPKI.ensure(cluster: cluster, store: directory.store)
        let credentials = state.credentials(for: cluster.hosts[0])
        let printed = [String(describing: state), String(describing: credentials), String(reflecting: credentials),
                       String(describing: credentials.kubeconfigs["admin"]!), String(describing: credentials.files),
                       String(describing: state.certificate("ca")!), String(describing: state.serviceAccountKey)]
        for text in printed { #expect(!text.contains("PRIVATE KEY"), "\(text)") }
    }
}
