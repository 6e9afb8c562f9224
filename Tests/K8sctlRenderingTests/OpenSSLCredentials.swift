import Foundation
import K8sctlModel
import K8sctlTestSupport

/// Certificates made with the openssl CLI in kubeadm's layout, standing in for the PKI module
/// until it lands on main (rendering must not depend on it either way). ECDSA P-256 keys, because
/// openssl makes them in milliseconds.
final class OpenSSLCredentials: @unchecked Sendable {
    struct Issued { let certificate: String; let key: String }

    let directory: URL
    private var counter = 0

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-render-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ca = try Self.makeCA("kubernetes", in: directory, file: "ca")
        etcdCA = try Self.makeCA("etcd-ca", in: directory, file: "etcd-ca")
        frontProxyCA = try Self.makeCA("front-proxy-ca", in: directory, file: "front-proxy-ca")
    }

    let ca: Issued
    let etcdCA: Issued
    let frontProxyCA: Issued

    deinit { try? FileManager.default.removeItem(at: directory) }

    private static func openssl(_ arguments: [String], in directory: URL) throws {
        let result = try ProcessRunner.run("openssl", arguments, directory: directory)
        guard result.succeeded else { throw OpenSSLError(message: "openssl \(arguments.joined(separator: " ")): \(result.stderr)") }
    }

    struct OpenSSLError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    private static func makeCA(_ commonName: String, in directory: URL, file: String) throws -> Issued {
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", "\(file).key", "-out", "\(file).crt", "-days", "3650", "-subj", "/CN=\(commonName)",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"],
                    in: directory)
        return Issued(certificate: try String(contentsOf: directory.appendingPathComponent("\(file).crt"), encoding: .utf8),
                      key: try String(contentsOf: directory.appendingPathComponent("\(file).key"), encoding: .utf8))
    }

    /// A leaf signed by `caFile` (`ca`, `etcd-ca`, `front-proxy-ca`).
    func issue(commonName: String, organization: String? = nil, caFile: String, serverAuth: Bool, clientAuth: Bool,
               dnsNames: [String] = [], addresses: [String] = []) throws -> Issued {
        counter += 1
        let name = "leaf-\(counter)"
        var subject = "/CN=\(commonName)"
        if let organization { subject = "/O=\(organization)" + subject }
        var usages: [String] = []
        if serverAuth { usages.append("serverAuth") }
        if clientAuth { usages.append("clientAuth") }
        var extensions = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        extensions += "extendedKeyUsage=\(usages.joined(separator: ","))\n"
        let sans = dnsNames.map { "DNS:\($0)" } + addresses.map { "IP:\($0)" }
        if !sans.isEmpty { extensions += "subjectAltName=\(sans.joined(separator: ","))\n" }
        try extensions.write(to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
        try Self.openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                          "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject], in: directory)
        try Self.openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "\(caFile).crt", "-CAkey", "\(caFile).key",
                          "-CAcreateserial", "-out", "\(name).crt", "-days", "365", "-extfile", "\(name).ext"], in: directory)
        return Issued(certificate: try String(contentsOf: directory.appendingPathComponent("\(name).crt"), encoding: .utf8),
                      key: try String(contentsOf: directory.appendingPathComponent("\(name).key"), encoding: .utf8))
    }

    private func files(_ path: String, _ issued: Issued) -> [NodeFile] {
        [NodeFile(path: "/etc/kubernetes/pki/\(path).crt", text: issued.certificate, origin: "test-openssl:\(path)"),
         NodeFile(path: "/etc/kubernetes/pki/\(path).key", text: issued.key, mode: 0o600, isSecret: true, origin: "test-openssl:\(path)")]
    }

    private func client(_ commonName: String, _ organization: String?) throws -> ClientCredential {
        let issued = try issue(commonName: commonName, organization: organization, caFile: "ca", serverAuth: false, clientAuth: true)
        return ClientCredential(userName: commonName, certificatePEM: issued.certificate, privateKeyPEM: issued.key,
                                certificateAuthorityPEM: ca.certificate)
    }

    /// The credentials kubeadm's catalog gives `host`: etcd server/peer/healthcheck-client on etcd
    /// hosts, the control-plane set and five kubeconfigs on control-plane hosts, kubelet's on the rest.
    func credentials(for host: K8sctlModel.Host, in cluster: Cluster) throws -> HostCredentials {
        var files: [NodeFile] = []
        var kubeconfigs: [String: ClientCredential] = [:]
        let address = host.clusterAddress.description
        if host.isEtcd {
            files += [NodeFile(path: "/etc/kubernetes/pki/etcd/ca.crt", text: etcdCA.certificate, origin: "test-openssl:etcd/ca")]
            let sans = (dnsNames: [host.name, "localhost"], addresses: [address, "127.0.0.1", "::1"])
            files += self.files("etcd/server", try issue(commonName: host.name, caFile: "etcd-ca", serverAuth: true, clientAuth: true,
                                                         dnsNames: sans.dnsNames, addresses: sans.addresses))
            files += self.files("etcd/peer", try issue(commonName: host.name, caFile: "etcd-ca", serverAuth: true, clientAuth: true,
                                                       dnsNames: sans.dnsNames, addresses: sans.addresses))
            files += self.files("etcd/healthcheck-client", try issue(commonName: "kube-etcd-healthcheck-client", caFile: "etcd-ca",
                                                                     serverAuth: false, clientAuth: true))
        }
        if host.runsKubelet {
            files.append(NodeFile(path: "/etc/kubernetes/pki/ca.crt", text: ca.certificate, origin: "test-openssl:ca"))
            kubeconfigs["kubelet"] = try client("system:node:\(host.name)", "system:nodes")
        }
        if host.isControlPlane {
            if !host.isEtcd {
                files.append(NodeFile(path: "/etc/kubernetes/pki/etcd/ca.crt", text: etcdCA.certificate, origin: "test-openssl:etcd/ca"))
            }
            files += self.files("apiserver", try issue(
                commonName: "kube-apiserver", caFile: "ca", serverAuth: true, clientAuth: false,
                dnsNames: [host.name, "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                           "kubernetes.default.svc.\(cluster.network.dnsDomain)"],
                addresses: [cluster.network.kubernetesServiceIP.description, address]))
            files += self.files("apiserver-kubelet-client", try issue(commonName: "kube-apiserver-kubelet-client",
                                                                      organization: "kubeadm:cluster-admins", caFile: "ca",
                                                                      serverAuth: false, clientAuth: true))
            files += self.files("apiserver-etcd-client", try issue(commonName: "kube-apiserver-etcd-client", caFile: "etcd-ca",
                                                                   serverAuth: false, clientAuth: true))
            files += self.files("front-proxy-client", try issue(commonName: "front-proxy-client", caFile: "front-proxy-ca",
                                                                serverAuth: false, clientAuth: true))
            files += [NodeFile(path: "/etc/kubernetes/pki/ca.key", text: ca.key, mode: 0o600, isSecret: true, origin: "test-openssl:ca"),
                      NodeFile(path: "/etc/kubernetes/pki/front-proxy-ca.crt", text: frontProxyCA.certificate, origin: "test-openssl:front-proxy-ca")]
            kubeconfigs["admin"] = try client("kubernetes-admin", "kubeadm:cluster-admins")
            kubeconfigs["super-admin"] = try client("kubernetes-super-admin", "system:masters")
            kubeconfigs["controller-manager"] = try client("system:kube-controller-manager", nil)
            kubeconfigs["scheduler"] = try client("system:kube-scheduler", nil)
        }
        return HostCredentials(host: host.name, files: files, kubeconfigs: kubeconfigs)
    }

    func credentials(for cluster: Cluster) throws -> [String: HostCredentials] {
        var result: [String: HostCredentials] = [:]
        for host in cluster.hosts { result[host.name] = try credentials(for: host, in: cluster) }
        return result
    }
}
