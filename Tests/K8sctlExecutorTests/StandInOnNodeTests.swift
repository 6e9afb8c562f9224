import Foundation
import Testing
import K8sctlTestSupport

/// The stand-ins as the lifecycle e2e tests use them: installed from the test artifact source on a real
/// systemd test node, started by systemd units, with the API server stand-in checking the real etcd.
/// Units and certificates here are hand-written for the harness test; the e2e tests use rendered ones.
@Suite(.serialized)
struct StandInOnNodeTests {
    @Test(.enabled(if: TestNodes.canBoot && StandInTests.available, "needs root, systemd-nspawn, debootstrap, etcd"))
    func kubeletUnit_startsAPIServerStandIn_readyAgainstRealEtcdOnTheNode() throws {
        let artifacts = try TestArtifactSource.build(
            at: FileManager.default.temporaryDirectory.appendingPathComponent("node-artifacts-\(getpid())"),
            kubernetesVersion: "1.31.4")
        defer { try? FileManager.default.removeItem(at: artifacts.directory) }
        try TestNodes.with(count: 1, prefix: "stinode") { (cluster: TestNodeCluster) throws in
            let node = cluster.nodes[0]
            for component in ["etcd", "etcdctl", "kubelet", "containerd"] {
                try cluster.copy(try #require(artifacts.artifact(component)).path, to: node, at: "/usr/local/bin/\(component)")
            }
            let setup = try cluster.shell(node, Self.setupScript(address: node.address, name: node.name))
            try #require(setup.succeeded, "setup failed: \(setup.stdout)\(setup.stderr)")

            var ready = ""
            for _ in 0..<150 where ready != "ok" {
                ready = try cluster.shell(node, "curl -s --cacert /etc/kubernetes/pki/ca.crt --cert /root/admin.crt " +
                                          "--key /root/admin.key https://\(node.address):6443/readyz").stdout
                if ready != "ok" { usleep(200_000) }
            }
            let journal = ready == "ok" ? "" : try cluster.shell(node, "journalctl -u kubelet -u etcd --no-pager | tail -30").stdout
            #expect(ready == "ok", "\(journal)")
            let units = try cluster.ssh(node, ["systemctl", "is-active", "etcd", "containerd", "kubelet"])
            #expect(units.stdout == "active\nactive\nactive\n")
            // The real etcdctl with the real etcd on the node.
            let health = try cluster.shell(node, "ETCDCTL_API=3 etcdctl --endpoints=https://\(node.address):2379 " +
                                           "--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/apiserver-etcd-client.crt " +
                                           "--key=/etc/kubernetes/pki/apiserver-etcd-client.key endpoint health")
            // etcdctl 3.4 prints the health line on stderr.
            #expect((health.stdout + health.stderr).contains("is healthy"), "\(health.stderr)")
            // The kubelet stand-in registered its Node; the data lives in the node's etcd.
            var registered = ""
            for _ in 0..<100 where !registered.contains("/registry/minions/\(node.name)") {
                registered = try cluster.shell(node, "ETCDCTL_API=3 etcdctl --endpoints=https://\(node.address):2379 " +
                                               "--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/apiserver-etcd-client.crt " +
                                               "--key=/etc/kubernetes/pki/apiserver-etcd-client.key get /registry/minions/ --prefix --keys-only").stdout
                usleep(200_000)
            }
            #expect(registered.contains("/registry/minions/\(node.name)"))
            // Stopping etcd makes the API server stand-in unready, as kube-apiserver would be.
            #expect(try cluster.ssh(node, ["systemctl", "stop", "etcd"]).succeeded)
            let down = try cluster.shell(node, "curl -s -o /dev/null -w '%{http_code}' --cacert /etc/kubernetes/pki/ca.crt " +
                                         "--cert /root/admin.crt --key /root/admin.key https://\(node.address):6443/readyz")
            #expect(down.stdout == "500")
        }
    }

    /// Certificates by openssl on the node, and units like the rendered ones (etcd, containerd notify, kubelet).
    static func setupScript(address: String, name: String) -> String {
        """
        set -eu
        command -v curl >/dev/null || { echo "curl missing in the node base" >&2; exit 1; }
        mkdir -p /etc/kubernetes/pki/etcd /etc/kubernetes/manifests /var/lib/kubelet
        cd /etc/kubernetes/pki
        ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
        openssl req -x509 $ec -keyout ca.key -out ca.crt -days 1 -subj /CN=kubernetes 2>/dev/null
        cp ca.crt etcd/ca.crt; cp ca.key etcd/ca.key
        leaf() {
            openssl req $ec -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
            printf 'subjectAltName=%s\\nextendedKeyUsage=%s\\n' "$3" "$4" > "$1.ext"
            openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 1 -extfile "$1.ext" 2>/dev/null
        }
        leaf etcd/server \(name) "IP:\(address),IP:127.0.0.1" serverAuth,clientAuth
        leaf apiserver-etcd-client kube-apiserver-etcd-client "DNS:x" clientAuth
        leaf apiserver kube-apiserver "IP:\(address),DNS:kubernetes" serverAuth
        leaf /root/admin kubernetes-admin "DNS:x" clientAuth
        cat > /etc/systemd/system/etcd.service <<EOF
        [Service]
        ExecStart=/usr/local/bin/etcd --name \(name) --data-dir /var/lib/etcd --logger=zap \\\\
          --listen-client-urls https://\(address):2379 --advertise-client-urls https://\(address):2379 \\\\
          --listen-peer-urls https://\(address):2380 --initial-advertise-peer-urls https://\(address):2380 \\\\
          --initial-cluster \(name)=https://\(address):2380 --client-cert-auth --trusted-ca-file /etc/kubernetes/pki/etcd/ca.crt \\\\
          --cert-file /etc/kubernetes/pki/etcd/server.crt --key-file /etc/kubernetes/pki/etcd/server.key \\\\
          --peer-client-cert-auth --peer-trusted-ca-file /etc/kubernetes/pki/etcd/ca.crt \\\\
          --peer-cert-file /etc/kubernetes/pki/etcd/server.crt --peer-key-file /etc/kubernetes/pki/etcd/server.key
        Restart=always
        [Install]
        WantedBy=multi-user.target
        EOF
        cat > /etc/systemd/system/containerd.service <<EOF
        [Service]
        Type=notify
        ExecStart=/usr/local/bin/containerd --config /etc/containerd/config.toml
        [Install]
        WantedBy=multi-user.target
        EOF
        cat > /etc/systemd/system/kubelet.service <<EOF
        [Unit]
        Requires=containerd.service
        After=containerd.service
        [Service]
        ExecStart=/usr/local/bin/kubelet --config=/var/lib/kubelet/config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf --node-ip=\(address)
        Restart=always
        RestartSec=2
        [Install]
        WantedBy=multi-user.target
        EOF
        printf 'apiVersion: kubelet.config.k8s.io/v1beta1\\nkind: KubeletConfiguration\\nstaticPodPath: /etc/kubernetes/manifests\\n' > /var/lib/kubelet/config.yaml
        cat > /etc/kubernetes/manifests/kube-apiserver.yaml <<EOF
        apiVersion: v1
        kind: Pod
        metadata: {name: kube-apiserver, namespace: kube-system}
        spec:
          hostNetwork: true
          containers:
          - name: kube-apiserver
            image: registry.k8s.io/kube-apiserver:v1.31.4
            command:
            - kube-apiserver
            - --advertise-address=\(address)
            - --secure-port=6443
            - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
            - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
            - --client-ca-file=/etc/kubernetes/pki/ca.crt
            - --etcd-servers=https://\(address):2379
            - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
            - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
            - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
        EOF
        cat > /etc/kubernetes/kubelet.conf <<EOF
        apiVersion: v1
        kind: Config
        clusters: [{name: k, cluster: {server: "https://\(address):6443", certificate-authority: /etc/kubernetes/pki/ca.crt}}]
        users: [{name: u, user: {client-certificate: /root/admin.crt, client-key: /root/admin.key}}]
        contexts: [{name: c, context: {cluster: k, user: u}}]
        current-context: c
        EOF
        systemctl daemon-reload
        systemctl enable --now etcd containerd kubelet 2>&1
        """
    }
}
