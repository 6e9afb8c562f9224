import K8sctlModel

/// The certificates, keys and kubeconfig identities of a cluster, in kubeadm's layout
/// (kubeadm `phases/certs/certlist.go` and `phases/kubeconfig`), so kubeadm-era tooling and
/// habits carry over. Authorities come first: issuing walks the list in order.
///
/// Facts checked against kubeadm ≥ 1.29: `apiserver-kubelet-client` and `admin` are in
/// `kubeadm:cluster-admins` (no longer `system:masters`); only `super-admin` keeps
/// `system:masters`; `apiserver-etcd-client` and `etcd-healthcheck-client` carry no O;
/// etcd server and peer certificates are named after the node and serve both server and client auth.
public enum CertificateCatalog {
    public static let pki = "/etc/kubernetes/pki"

    public static let entries: [CertificateSpec] = [
        // Authorities. Control-plane hosts get their keys as kubeadm lays them out (the
        // controller-manager signs CSRs with ca.key); kubelets only trust ca.crt.
        CertificateSpec(name: "ca", kind: .authority, commonName: .fixed("kubernetes"),
                        placement: .files(certificate: pki + "/ca.crt", key: pki + "/ca.key"),
                        recipients: Recipients(certificate: [.controlPlane, .kubelet], key: [.controlPlane])),
        CertificateSpec(name: "front-proxy-ca", kind: .authority, commonName: .fixed("front-proxy-ca"),
                        placement: .files(certificate: pki + "/front-proxy-ca.crt", key: pki + "/front-proxy-ca.key"),
                        recipients: .both([.controlPlane])),
        CertificateSpec(name: "etcd-ca", kind: .authority, commonName: .fixed("etcd-ca"),
                        placement: .files(certificate: pki + "/etcd/ca.crt", key: pki + "/etcd/ca.key"),
                        recipients: Recipients(certificate: [.controlPlane, .etcd], key: [.controlPlane])),

        // Control plane.
        CertificateSpec(name: "apiserver", kind: .leaf(authority: "ca"), commonName: .fixed("kube-apiserver"),
                        extendedKeyUsages: [.serverAuth], subjectAlternativeNames: .apiServer, scope: .host,
                        placement: .files(certificate: pki + "/apiserver.crt", key: pki + "/apiserver.key"),
                        recipients: .both([.controlPlane])),
        CertificateSpec(name: "apiserver-kubelet-client", kind: .leaf(authority: "ca"),
                        commonName: .fixed("kube-apiserver-kubelet-client"), organizations: ["kubeadm:cluster-admins"],
                        extendedKeyUsages: [.clientAuth],
                        placement: .files(certificate: pki + "/apiserver-kubelet-client.crt",
                                          key: pki + "/apiserver-kubelet-client.key"),
                        recipients: .both([.controlPlane])),
        CertificateSpec(name: "front-proxy-client", kind: .leaf(authority: "front-proxy-ca"),
                        commonName: .fixed("front-proxy-client"), extendedKeyUsages: [.clientAuth],
                        placement: .files(certificate: pki + "/front-proxy-client.crt",
                                          key: pki + "/front-proxy-client.key"),
                        recipients: .both([.controlPlane])),
        CertificateSpec(name: "apiserver-etcd-client", kind: .leaf(authority: "etcd-ca"),
                        commonName: .fixed("kube-apiserver-etcd-client"), extendedKeyUsages: [.clientAuth],
                        placement: .files(certificate: pki + "/apiserver-etcd-client.crt",
                                          key: pki + "/apiserver-etcd-client.key"),
                        recipients: .both([.controlPlane])),
        CertificateSpec(name: "sa", kind: .signingKeyPair, commonName: .fixed("service-accounts"),
                        placement: .files(certificate: pki + "/sa.pub", key: pki + "/sa.key"),
                        recipients: .both([.controlPlane])),

        // etcd members.
        CertificateSpec(name: "etcd-server", kind: .leaf(authority: "etcd-ca"), commonName: .hostName,
                        extendedKeyUsages: [.serverAuth, .clientAuth], subjectAlternativeNames: .etcdMember,
                        scope: .host,
                        placement: .files(certificate: pki + "/etcd/server.crt", key: pki + "/etcd/server.key"),
                        recipients: .both([.etcd])),
        CertificateSpec(name: "etcd-peer", kind: .leaf(authority: "etcd-ca"), commonName: .hostName,
                        extendedKeyUsages: [.serverAuth, .clientAuth], subjectAlternativeNames: .etcdMember,
                        scope: .host,
                        placement: .files(certificate: pki + "/etcd/peer.crt", key: pki + "/etcd/peer.key"),
                        recipients: .both([.etcd])),
        CertificateSpec(name: "etcd-healthcheck-client", kind: .leaf(authority: "etcd-ca"),
                        commonName: .fixed("kube-etcd-healthcheck-client"), extendedKeyUsages: [.clientAuth],
                        placement: .files(certificate: pki + "/etcd/healthcheck-client.crt",
                                          key: pki + "/etcd/healthcheck-client.key"),
                        recipients: .both([.etcd])),

        // Kubeconfig identities (`/etc/kubernetes/<name>.conf`).
        CertificateSpec(name: "kubeconfig-admin", kind: .leaf(authority: "ca"), commonName: .fixed("kubernetes-admin"),
                        organizations: ["kubeadm:cluster-admins"], extendedKeyUsages: [.clientAuth],
                        placement: .kubeconfig("admin"), recipients: .both([.controlPlane])),
        CertificateSpec(name: "kubeconfig-super-admin", kind: .leaf(authority: "ca"),
                        commonName: .fixed("kubernetes-super-admin"), organizations: ["system:masters"],
                        extendedKeyUsages: [.clientAuth],
                        placement: .kubeconfig("super-admin"), recipients: .both([.controlPlane])),
        CertificateSpec(name: "kubeconfig-controller-manager", kind: .leaf(authority: "ca"),
                        commonName: .fixed("system:kube-controller-manager"), extendedKeyUsages: [.clientAuth],
                        placement: .kubeconfig("controller-manager"), recipients: .both([.controlPlane])),
        CertificateSpec(name: "kubeconfig-scheduler", kind: .leaf(authority: "ca"),
                        commonName: .fixed("system:kube-scheduler"), extendedKeyUsages: [.clientAuth],
                        placement: .kubeconfig("scheduler"), recipients: .both([.controlPlane])),
        CertificateSpec(name: "kubeconfig-kubelet", kind: .leaf(authority: "ca"), commonName: .nodeIdentity,
                        organizations: ["system:nodes"], extendedKeyUsages: [.clientAuth], scope: .host,
                        placement: .kubeconfig("kubelet"), recipients: .both([.kubelet])),
    ]

    public static func entry(named name: String) -> CertificateSpec? { entries.first { $0.name == name } }

    public static var authorities: [CertificateSpec] { entries.filter(\.isAuthority) }
}
