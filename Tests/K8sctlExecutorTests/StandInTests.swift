import Foundation
import Testing
import K8sctlTestSupport

/// The test stand-ins (Tests/standins) against a real etcd on loopback with openssl-made certificates.
/// These check the stand-ins' own behaviour, which the lifecycle e2e tests rely on.
@Suite(.serialized)
struct StandInTests {
    static let tools = ["/usr/bin/etcd", "/usr/bin/etcdctl", "/usr/bin/python3"]
    static var available: Bool {
        tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && ProcessRunner.isAvailable("curl") && ProcessRunner.isAvailable("openssl")
            && ((try? ProcessRunner.run("/usr/bin/python3", ["-c", "import yaml"]).succeeded) ?? false)
    }

    @Test(.enabled(if: available, "needs etcd-server, etcd-client, curl, openssl, python3-yaml"))
    func apiServerStandIn_isReadyOnlyWhileEtcdAnswers() throws {
        let fixture = try StandInFixture()
        defer { fixture.stop() }
        let port = try fixture.startAPIServer()
        for path in ["/readyz", "/livez", "/healthz"] {
            let response = try fixture.request("GET", path, port: port)
            #expect(response.status == 200 && response.body == "ok", "\(path): \(response)")
        }
        fixture.stopEtcd()
        let down = try fixture.request("GET", "/readyz?verbose", port: port)
        #expect(down.status == 500)
        #expect(down.body.contains("[-]etcd failed"))
    }

    @Test(.enabled(if: available, "needs etcd-server, etcd-client, curl, openssl, python3-yaml"))
    func apiServerStandIn_refusesClientsWithoutACertificateFromTheClientCA() throws {
        let fixture = try StandInFixture()
        defer { fixture.stop() }
        let port = try fixture.startAPIServer()
        // Anonymous: health only (as kube-apiserver; load balancers probe it), the API is 401.
        #expect(try fixture.request("GET", "/readyz", port: port, clientCertificate: false).status == 200)
        #expect(try fixture.request("GET", "/api/v1/nodes", port: port, clientCertificate: false).status == 401)
        let stranger = try ProcessRunner.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}",
                                                      "--cacert", fixture.path("ca.crt"),
                                                      "--cert", fixture.path("stranger.crt"), "--key", fixture.path("stranger.key"),
                                                      "https://127.0.0.1:\(port)/readyz"])
        #expect(stranger.stdout == "000", "a certificate from another CA got through: \(stranger)")
        #expect(try fixture.request("GET", "/readyz", port: port).status == 200)
    }

    @Test(.enabled(if: available, "needs etcd-server, etcd-client, curl, openssl, python3-yaml"))
    func cordonAndDelete_areSharedThroughEtcdBetweenTwoAPIServers() throws {
        let fixture = try StandInFixture()
        defer { fixture.stop() }
        let first = try fixture.startAPIServer(), second = try fixture.startAPIServer()
        #expect(try fixture.request("POST", "/api/v1/nodes", port: first, body: #"{"metadata":{"name":"w1"}}"#).status == 201)
        let cordon = try fixture.request("PATCH", "/api/v1/nodes/w1", port: first,
                                         body: #"{"spec":{"unschedulable":true}}"#,
                                         contentType: "application/strategic-merge-patch+json")
        #expect(cordon.status == 200)
        let seen = try fixture.request("GET", "/api/v1/nodes/w1", port: second).json
        #expect((seen?["spec"] as? [String: Any])?["unschedulable"] as? Bool == true)
        // A JSON Patch (RFC 6902) through the other one; a failing `test` op changes nothing (422).
        let stale = try fixture.request("PATCH", "/api/v1/nodes/w1", port: second,
                                        body: #"[{"op":"test","path":"/spec/unschedulable","value":false},{"op":"replace","path":"/spec/unschedulable","value":false}]"#,
                                        contentType: "application/json-patch+json")
        #expect(stale.status == 422)
        let uncordon = try fixture.request("PATCH", "/api/v1/nodes/w1", port: second,
                                           body: #"[{"op":"replace","path":"/spec/unschedulable","value":false}]"#,
                                           contentType: "application/json-patch+json")
        #expect(uncordon.status == 200)
        #expect(((uncordon.json?["spec"] as? [String: Any])?["unschedulable"] as? Bool) == false)
        #expect(try fixture.request("PATCH", "/api/v1/nodes/w1", port: first, body: "{}", contentType: "text/plain").status == 415)
        // The object really is in etcd, under the API server's key layout.
        let keys = try ProcessRunner.run("/usr/bin/etcdctl", [
            "--endpoints=https://127.0.0.1:\(fixture.etcdPort)", "--cacert", fixture.path("ca.crt"),
            "--cert", fixture.path("etcd-client.crt"), "--key", fixture.path("etcd-client.key"),
            "get", "/registry/minions/", "--prefix", "--keys-only"], environment: ["ETCDCTL_API": "3"])
        #expect(keys.stdout.contains("/registry/minions/w1"))
        #expect(try fixture.request("DELETE", "/api/v1/nodes/w1", port: second).status == 200)
        #expect(try fixture.request("GET", "/api/v1/nodes/w1", port: first).status == 404)
        #expect(try fixture.request("DELETE", "/api/v1/nodes/w1", port: first).status == 404)
    }

    @Test(.enabled(if: available, "needs etcd-server, etcd-client, curl, openssl, python3-yaml"))
    func eviction_isRefusedWith429WhileAPodDisruptionBudgetForbidsIt() throws {
        let fixture = try StandInFixture()
        defer { fixture.stop() }
        let port = try fixture.startAPIServer()
        func pod(_ name: String, node: String) -> String {
            #"{"metadata":{"name":"\#(name)","labels":{"app":"web"}},"spec":{"nodeName":"\#(node)"}}"#
        }
        for (name, node) in [("web-1", "w1"), ("web-2", "w2")] {
            #expect(try fixture.request("POST", "/api/v1/namespaces/shop/pods", port: port, body: pod(name, node: node)).status == 201)
        }
        let pdb = #"{"metadata":{"name":"web"},"spec":{"minAvailable":2,"selector":{"matchLabels":{"app":"web"}}}}"#
        #expect(try fixture.request("POST", "/apis/policy/v1/namespaces/shop/poddisruptionbudgets", port: port, body: pdb).status == 201)
        let onW1 = try fixture.request("GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dw1", port: port).json
        #expect((onW1?["items"] as? [[String: Any]])?.count == 1)

        let eviction = #"{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"web-1","namespace":"shop"}}"#
        let refused = try fixture.request("POST", "/api/v1/namespaces/shop/pods/web-1/eviction", port: port, body: eviction)
        #expect(refused.status == 429)
        #expect(refused.json?["reason"] as? String == "TooManyRequests")
        #expect(try fixture.request("GET", "/api/v1/namespaces/shop/pods/web-1", port: port).status == 200)

        // A replacement elsewhere makes room in the budget: the retried eviction succeeds.
        #expect(try fixture.request("POST", "/api/v1/namespaces/shop/pods", port: port, body: pod("web-3", node: "w3")).status == 201)
        let allowed = try fixture.request("POST", "/api/v1/namespaces/shop/pods/web-1/eviction", port: port, body: eviction)
        #expect(allowed.status == 201)
        #expect(try fixture.request("GET", "/api/v1/namespaces/shop/pods/web-1", port: port).status == 404)
        // Unknown pods are 404, not 429.
        #expect(try fixture.request("POST", "/api/v1/namespaces/shop/pods/nope/eviction", port: port, body: eviction).status == 404)
    }

    @Test(.enabled(if: available, "needs etcd-server, etcd-client, curl, openssl, python3-yaml"))
    func concurrentEvictionsThroughTwoAPIServers_neverOverdrawTheBudget() throws {
        let fixture = try StandInFixture()
        defer { fixture.stop() }
        let ports = [try fixture.startAPIServer(), try fixture.startAPIServer()]
        for index in 1...4 {
            let pod = #"{"metadata":{"name":"db-\#(index)","labels":{"app":"db"}},"spec":{"nodeName":"w\#(index)"}}"#
            #expect(try fixture.request("POST", "/api/v1/namespaces/data/pods", port: ports[0], body: pod).status == 201)
        }
        let pdb = #"{"metadata":{"name":"db"},"spec":{"minAvailable":2,"selector":{"matchLabels":{"app":"db"}}}}"#
        #expect(try fixture.request("POST", "/apis/policy/v1/namespaces/data/poddisruptionbudgets", port: ports[1], body: pdb).status == 201)
        let statuses = LockedBox([Int]()), lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            let eviction = #"{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"db-\#(index + 1)","namespace":"data"}}"#
            let status = (try? fixture.request("POST", "/api/v1/namespaces/data/pods/db-\(index + 1)/eviction",
                                               port: ports[index % 2], body: eviction).status) ?? -1
            lock.withLock { statuses.set(statuses.get() + [status]) }
        }
        let remaining = try fixture.request("GET", "/api/v1/namespaces/data/pods", port: ports[0]).json?["items"] as? [[String: Any]]
        #expect(remaining?.count == 2, "statuses \(statuses.get())")
        #expect(statuses.get().sorted() == [201, 201, 429, 429])
    }

    @Test(.enabled(if: available, "needs etcd-server, etcd-client, curl, openssl, python3-yaml"))
    func kubeletStandIn_runsTheAPIServerFromItsManifest_andRegistersItsNode() throws {
        let fixture = try StandInFixture()
        defer { fixture.stop() }
        let artifacts = try TestArtifactSource.build(at: fixture.directory.appendingPathComponent("artifacts"),
                                                     kubernetesVersion: "1.31.4")
        let port = try StandInFixture.freePort(), healthz = try StandInFixture.freePort()
        let manifests = fixture.directory.appendingPathComponent("manifests")
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        let command = (["kube-apiserver"] + fixture.apiServerFlags(port: port)).map { "    - \($0)" }.joined(separator: "\n")
        try """
        apiVersion: v1
        kind: Pod
        metadata: {name: kube-apiserver, namespace: kube-system}
        spec:
          containers:
          - name: kube-apiserver
            image: registry.k8s.io/kube-apiserver:v1.31.4
            command:
        \(command)
        """.write(to: manifests.appendingPathComponent("kube-apiserver.yaml"), atomically: true, encoding: .utf8)
        func base64(_ name: String) throws -> String { try Data(contentsOf: URL(fileURLWithPath: fixture.path(name))).base64EncodedString() }
        try """
        apiVersion: v1
        kind: Config
        clusters: [{name: k, cluster: {server: "https://127.0.0.1:\(port)", certificate-authority-data: \(base64("ca.crt"))}}]
        users: [{name: u, user: {client-certificate-data: \(base64("admin.crt")), client-key-data: \(base64("admin.key"))}}]
        contexts: [{name: c, context: {cluster: k, user: u}}]
        current-context: c
        """.write(toFile: fixture.path("kubelet.conf"), atomically: true, encoding: .utf8)
        try """
        staticPodPath: \(manifests.path)
        healthzPort: \(healthz)
        registerWithTaints:
        - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}

        """.write(toFile: fixture.path("config.yaml"), atomically: true, encoding: .utf8)
        let kubelet = try #require(artifacts.artifact("kubelet")).path
        try fixture.start(kubelet, ["--config=\(fixture.path("config.yaml"))", "--kubeconfig=\(fixture.path("kubelet.conf"))",
                                    "--hostname-override=cp-1", "--node-ip=127.0.0.1", "--v=2",
                                    "--node-labels=pool=infra,topology.kubernetes.io/zone=z1"], log: "kubelet.log")
        try fixture.waitUntil(timeout: 30) { (try? fixture.request("GET", "/api/v1/nodes/cp-1", port: port).status) == 200 }
        #expect(try fixture.request("GET", "/readyz", port: port).body == "ok")
        let health = try ProcessRunner.run("curl", ["-s", "http://127.0.0.1:\(healthz)/healthz"])
        #expect(health.stdout == "ok")
        let node = try fixture.request("GET", "/api/v1/nodes/cp-1", port: port).json
        let conditions = (node?["status"] as? [String: Any])?["conditions"] as? [[String: Any]]
        #expect(conditions?.first?["type"] as? String == "Ready", "\(fixture.log("kubelet.log"))")
        let labels = (node?["metadata"] as? [String: Any])?["labels"] as? [String: String]
        #expect(labels?["pool"] == "infra" && labels?["topology.kubernetes.io/zone"] == "z1"
                && labels?["kubernetes.io/hostname"] == "cp-1")
        let taints = (node?["spec"] as? [String: Any])?["taints"] as? [[String: Any]]
        #expect(taints?.first?["key"] as? String == "node-role.kubernetes.io/control-plane")
        // Removing the manifest stops the API server.
        try FileManager.default.removeItem(at: manifests.appendingPathComponent("kube-apiserver.yaml"))
        try fixture.waitUntil(timeout: 15) { (try? fixture.request("GET", "/version", port: port).status) == 0 }
    }

    @Test(.enabled(if: available && FileManager.default.isExecutableFile(atPath: "/usr/sbin/haproxy"),
                   "needs haproxy besides etcd, curl, openssl, python3-yaml"))
    func kubeletStandIn_runsTheRealHAProxyOfALocalProxyPod_withHostPaths() throws {
        let fixture = try StandInFixture()
        defer { fixture.stop() }
        let apiPort = try fixture.startAPIServer()
        let proxyPort = try StandInFixture.freePort(), healthz = try StandInFixture.freePort()
        let manifests = fixture.directory.appendingPathComponent("manifests")
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
        try """
        global
          log stderr local0 notice
        defaults
          mode tcp
          timeout connect 2s
          timeout client 60s
          timeout server 60s
        frontend apiserver
          bind 127.0.0.1:\(proxyPort)
          default_backend apiservers
        backend apiservers
          server cp-1 127.0.0.1:\(apiPort) check

        """.write(toFile: fixture.path("haproxy.cfg"), atomically: true, encoding: .utf8)  // haproxy wants a final LF
        // As LocalProxyPod renders it: the config is mounted at a container path different from the host's.
        try """
        apiVersion: v1
        kind: Pod
        metadata: {name: haproxy-apiserver-proxy, namespace: kube-system}
        spec:
          hostNetwork: true
          containers:
          - name: haproxy-apiserver-proxy
            image: docker.io/library/haproxy:2.8
            command: [haproxy, -f, /usr/local/etc/haproxy/haproxy.cfg]
            volumeMounts:
            - {mountPath: /usr/local/etc/haproxy/haproxy.cfg, name: proxy-config, readOnly: true}
          volumes:
          - hostPath: {path: \(fixture.path("haproxy.cfg")), type: File}
            name: proxy-config
        """.write(to: manifests.appendingPathComponent("haproxy-apiserver-proxy.yaml"), atomically: true, encoding: .utf8)
        try "staticPodPath: \(manifests.path)\nhealthzPort: \(healthz)\n".write(toFile: fixture.path("config.yaml"),
                                                                                 atomically: true, encoding: .utf8)
        try fixture.start(TestArtifactSource.standInDirectory.appendingPathComponent("kubelet-standin").path,
                          ["--config=\(fixture.path("config.yaml"))"], log: "kubelet.log")
        try fixture.waitUntil(timeout: 20) { (try? fixture.request("GET", "/readyz", port: proxyPort).body) == "ok" }
        #expect(fixture.log("kubelet.log").contains("haproxy-apiserver-proxy.yaml: starting /usr/sbin/haproxy"))
    }

    @Test(.enabled(if: available, "needs etcd-server, etcd-client, curl, openssl, python3-yaml"))
    func artifactSource_holdsRealEtcdAndLabelledStandIns_withMatchingChecksums() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("artifacts-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try TestArtifactSource.build(at: directory, kubernetesVersion: "1.31.4")
        // main's scripts/test-artifacts also adds a runc stand-in; these five are the ones the stand-in tests need.
        #expect(Set(source.artifacts.map(\.component)).isSuperset(of: ["etcd", "etcdctl", "kubelet", "kube-apiserver", "containerd"]))
        let etcd = try #require(source.artifact("etcd"))
        #expect(!etcd.isStandIn)
        #expect(try Data(contentsOf: URL(fileURLWithPath: etcd.path)) == Data(contentsOf: URL(fileURLWithPath: "/usr/bin/etcd")))
        let version = try ProcessRunner.run(etcd.path, ["--version"]).stdout
        #expect(version.contains("Version: \(etcd.version)"))
        #expect(source.artifact("kubelet")?.isStandIn == true)
        #expect(source.sha256Pins["kubelet"]?["1.31.4"] == source.artifact("kubelet")?.sha256)
        let check = try ProcessRunner.run("sha256sum", ["-c", "SHA256SUMS"], directory: directory)
        #expect(check.succeeded, "\(check.stdout)\(check.stderr)")
        let readme = try String(contentsOf: directory.appendingPathComponent("README"), encoding: .utf8)
        #expect(readme.contains("STAND-INS"))
        #expect(try ProcessRunner.run(try #require(source.artifact("containerd")).path, ["--version"]).stdout.contains("standin"))
    }
}
