import Foundation
import K8sctlModel
@testable import K8sctlPKI

/// Foundation on Linux also has a `Host`; tests mean the inventory host.
typealias Host = K8sctlModel.Host

/// Clusters built in code for PKI tests: three stacked control-plane/etcd hosts and two workers.
enum PKIFixtures {
    static func cluster(algorithm: PKISettings.KeyAlgorithm = .rsa2048, extraHosts: [Host] = []) -> Cluster {
        var endpoint = APIEndpoint(mode: .vip, vip: IPAddress("10.0.0.100"), dnsName: "api.example.test")
        endpoint.interface = "eth0"
        return Cluster(
            name: "pki-test", kubernetes: KubernetesSettings(version: SemanticVersion("1.31.4")!),
            controlPlane: ControlPlaneSettings(endpoint: endpoint),
            pki: PKISettings(keyAlgorithm: algorithm),
            hosts: [
                Host(name: "cp1", address: IPAddress("10.0.0.11")!, internalAddress: IPAddress("192.168.0.11")!,
                     roles: [.controlPlane, .etcd]),
                Host(name: "cp2", address: IPAddress("10.0.0.12")!, roles: [.controlPlane, .etcd]),
                Host(name: "cp3", address: IPAddress("10.0.0.13")!, roles: [.controlPlane, .etcd]),
                Host(name: "w1", address: IPAddress("10.0.0.21")!, roles: [.worker]),
                Host(name: "w2", address: IPAddress("10.0.0.22")!, roles: [.worker]),
            ] + extraHosts)
    }
}

/// A fresh directory under the system temporary directory, removed when the test drops it.
final class TemporaryDirectory: @unchecked Sendable {
    let url: URL

    init(_ label: String = "pki") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("k8sctl-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    var store: PKIStore { PKIStore(root: url.appendingPathComponent(".k8sctl/pki-test/pki")) }

    /// Writes a host's credentials as a rendered tree: `<dir>/<host>/etc/kubernetes/pki/...`, and each
    /// kubeconfig identity as `<dir>/<host>/kubeconfig/<name>.crt|.key`.
    func render(_ credentials: HostCredentials) throws -> URL {
        let hostRoot = url.appendingPathComponent("rendered/\(credentials.host)")
        for file in credentials.files {
            let target = hostRoot.appendingPathComponent(String(file.path.dropFirst()))
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.content).write(to: target)
        }
        for (name, credential) in credentials.kubeconfigs {
            let directory = hostRoot.appendingPathComponent("kubeconfig")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try credential.certificatePEM.write(to: directory.appendingPathComponent("\(name).crt"), atomically: true, encoding: .utf8)
            try credential.privateKeyPEM.write(to: directory.appendingPathComponent("\(name).key"), atomically: true, encoding: .utf8)
        }
        return hostRoot
    }
}
