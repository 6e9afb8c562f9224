import Foundation
import Testing
import Yams
import K8sctlModel
@testable import K8sctlRendering
import K8sctlTestSupport

/// The rendered files checked by the tools that consume them (or their closest stand-in here):
/// kubernetes-validate, systemd-analyze, openssl, haproxy, nginx, keepalived, Python's TOML
/// parser and sh.
@Suite(.serialized) struct ToolOracleTests {
    func trees() throws -> RenderedTrees { try RenderedTrees.shared.get() }

    @Test(.enabled(if: ProcessRunner.isAvailable("kubernetes-validate"), "pip install kubernetes-validate"))
    func everyStaticPodManifest_passesKubernetesValidateStrict_forTheInventoryVersion() throws {
        let manifests = try trees().paths { $0.hasPrefix(NodePaths.manifests + "/") }
        #expect(manifests.count > 40)
        // One run per Kubernetes version: the validator takes ~0.5 s to start.
        let byVersion = Dictionary(grouping: manifests) { $0.0.cluster.kubernetes.version.description }
        for (version, group) in byVersion.sorted(by: { $0.key < $1.key }) {
            let result = try ProcessRunner.run("kubernetes-validate", ["--strict", "-k", version] + group.map(\.3))
            #expect(result.succeeded, "kubernetes \(version):\n\(result.stdout)\(result.stderr)")
            #expect(!result.stdout.contains("ERROR") && !result.stdout.contains("WARN"), "\(result.stdout)")
            let validated = result.stdout.split(separator: "\n").filter { $0.hasPrefix("INFO") && $0.contains(" passed for resource pod/") }
            #expect(validated.count == group.count, "kubernetes \(version): \(result.stdout)")
        }
    }

    @Test(.enabled(if: ProcessRunner.isAvailable("systemd-analyze")))
    func everySystemdUnit_passesSystemdAnalyzeVerify_withNoOutput() throws {
        let units = try trees().paths { $0.hasPrefix("/etc/systemd/system/") && $0.hasSuffix(".service") }
        #expect(units.count > 20)
        let byHost = Dictionary(grouping: units) { "\($0.0.name)/\($0.1.host)" }
        for (label, group) in byHost.sorted(by: { $0.key < $1.key }) {
            // A root with systemd's own units (for the targets the units name), stand-in binaries at
            // every ExecStart path, and this host's rendered /etc.
            let root = try RenderFixtures.temporaryDirectory("systemd-root")
            defer { try? FileManager.default.removeItem(at: root) }
            // The writer replaces the host's tree, so it goes first.
            let host = group[0].1
            try RenderedTreeWriter(root: root.deletingLastPathComponent()).write([RenderedHost(host: root.lastPathComponent, files: host.files)])
            try FileManager.default.createDirectory(at: root.appendingPathComponent("usr/lib/systemd"), withIntermediateDirectories: true)
            let copied = try ProcessRunner.run("cp", ["-a", "/usr/lib/systemd/system", root.appendingPathComponent("usr/lib/systemd").path])
            try #require(copied.succeeded, "\(copied.stderr)")
            for binary in NodePaths.unitBinaries + ["/bin/kill"] {
                let url = root.appendingPathComponent(String(binary.dropFirst()))
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try "#!/bin/sh\n# stand-in for \(binary) in systemd-analyze verify\nexit 0\n".write(to: url, atomically: true, encoding: .utf8)
                chmod(url.path, 0o755)
            }
            let result = try ProcessRunner.run("systemd-analyze", ["verify", "--root=\(root.path)"] + group.map(\.2.path))
            #expect(result.succeeded && result.stderr.isEmpty && result.stdout.isEmpty,
                    "\(label): rc \(result.status)\n\(result.stderr)\(result.stdout)")
        }
    }

    @Test(.enabled(if: ProcessRunner.isAvailable("systemd-analyze")))
    func systemdAnalyzeVerify_failsWhenTheExecStartBinaryIsMissing() throws {
        // The oracle must be able to say no: the same unit with no stand-in binary is refused.
        let units = try trees().paths { $0 == NodePaths.etcdUnit }
        let (_, host, _, _) = try #require(units.first)
        let root = try RenderFixtures.temporaryDirectory("systemd-root")
        defer { try? FileManager.default.removeItem(at: root) }
        try RenderedTreeWriter(root: root.deletingLastPathComponent()).write([RenderedHost(host: root.lastPathComponent, files: host.files)])
        try FileManager.default.createDirectory(at: root.appendingPathComponent("usr/lib/systemd"), withIntermediateDirectories: true)
        _ = try ProcessRunner.run("cp", ["-a", "/usr/lib/systemd/system", root.appendingPathComponent("usr/lib/systemd").path])
        let result = try ProcessRunner.run("systemd-analyze", ["verify", "--root=\(root.path)", NodePaths.etcdUnit])
        #expect(!result.succeeded)
        #expect(result.stderr.contains("Command /usr/local/bin/etcd is not executable"), "\(result.stderr)")
        #expect(!result.stderr.contains("sysinit.target not found"), "\(result.stderr)")
    }

    @Test func everyKubeconfig_parses_andItsEmbeddedCertificatesDecodeAndVerify() throws {
        let kubeconfigs = try trees().paths { $0.hasPrefix("/etc/kubernetes/") && $0.hasSuffix(".conf") && !$0.contains("/manifests/") }
        #expect(kubeconfigs.count > 20)
        let scratch = try RenderFixtures.temporaryDirectory("kubeconfig")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (entry, host, file, _) in kubeconfigs {
            let label = "\(entry.name)/\(host.host)\(file.path)"
            let object = try #require(try Yams.load(yaml: file.text) as? [String: Any], "\(label)")
            #expect(object["kind"] as? String == "Config")
            let cluster = try #require((object["clusters"] as? [[String: Any]])?.first?["cluster"] as? [String: Any])
            let user = try #require((object["users"] as? [[String: Any]])?.first?["user"] as? [String: Any])
            let server = try #require(cluster["server"] as? String)
            #expect(server.hasPrefix("https://"), "\(label)")
            func decoded(_ value: Any?) throws -> String {
                let text = try #require(value as? String, "\(label)")
                let data = try #require(Data(base64Encoded: text), "\(label): not base64")
                return String(decoding: data, as: UTF8.self)
            }
            let ca = try decoded(cluster["certificate-authority-data"])
            let certificate = try decoded(user["client-certificate-data"])
            let key = try decoded(user["client-key-data"])
            #expect(key.contains("PRIVATE KEY-----"), "\(label)")
            try ca.write(to: scratch.appendingPathComponent("ca.crt"), atomically: true, encoding: .utf8)
            try certificate.write(to: scratch.appendingPathComponent("client.crt"), atomically: true, encoding: .utf8)
            let verify = try ProcessRunner.run("openssl", ["verify", "-CAfile", scratch.appendingPathComponent("ca.crt").path,
                                                           scratch.appendingPathComponent("client.crt").path])
            #expect(verify.succeeded, "\(label): \(verify.stdout)\(verify.stderr)")
            let subject = try ProcessRunner.run("openssl", ["x509", "-noout", "-subject", "-in", scratch.appendingPathComponent("client.crt").path])
            if file.path.hasSuffix("/kubelet.conf") {
                #expect(subject.stdout.contains("CN = system:node:\(host.host)"), "\(label): \(subject.stdout)")
                #expect(subject.stdout.contains("O = system:nodes"), "\(label): \(subject.stdout)")
            }
        }
    }

    @Test(.enabled(if: ProcessRunner.isAvailable("haproxy"), "apt-get install haproxy"))
    func everyHaproxyConfig_passesHaproxyCheck() throws {
        let configs = try trees().paths { $0 == NodePaths.haproxyConfig }
        #expect(configs.count >= 3)
        for (entry, host, _, local) in configs {
            let result = try ProcessRunner.run("haproxy", ["-c", "-f", local])
            #expect(result.succeeded, "\(entry.name)/\(host.host): \(result.stdout)\(result.stderr)")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx"), "apt-get install nginx-light libnginx-mod-stream"))
    func everyNginxConfig_passesNginxTest() throws {
        let configs = try trees().paths { $0 == NodePaths.nginxConfig }
        #expect(configs.count >= 3)
        // Debian builds the stream module as a loadable module; the nginx image the pod runs has it built in.
        let streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"
        let prefix = FileManager.default.fileExists(atPath: streamModule) ? "load_module \(streamModule);\n" : ""
        for (entry, host, file, local) in configs {
            let copy = local + ".debian-test"
            try (prefix + file.text).write(toFile: copy, atomically: true, encoding: .utf8)
            let result = try ProcessRunner.run("/usr/sbin/nginx", ["-t", "-q", "-e", "stderr", "-c", copy])
            #expect(result.succeeded, "\(entry.name)/\(host.host): \(result.stdout)\(result.stderr)")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/keepalived"), "apt-get install keepalived"))
    func everyKeepalivedConfig_passesKeepalivedConfigTest() throws {
        let configs = try trees().paths { $0 == NodePaths.keepalivedConfig }
        #expect(configs.count >= 3)
        for (entry, host, file, local) in configs {
            // keepalived checks that the track script exists: point it at the rendered copy.
            let hostRoot = entry.root.appendingPathComponent(host.host).path
            let copy = local + ".test"
            try file.text.replacingOccurrences(of: NodePaths.keepalivedCheck, with: hostRoot + NodePaths.keepalivedCheck)
                .write(toFile: copy, atomically: true, encoding: .utf8)
            let result = try ProcessRunner.run("/usr/sbin/keepalived", ["--config-test", "--use-file=\(copy)"])
            #expect(result.succeeded && !result.stderr.contains("Unknown keyword"),
                    "\(entry.name)/\(host.host): rc \(result.status) \(result.stdout)\(result.stderr)")
        }
    }

    @Test func everyContainerdConfig_isValidTOML_withSystemdCgroups() throws {
        let configs = try trees().paths { $0 == NodePaths.containerdConfig }
        #expect(configs.count > 10)
        let script = """
        import sys, tomllib
        for path in sys.argv[1:]:
            with open(path, 'rb') as f:
                config = tomllib.load(f)
            runc = config['plugins']['io.containerd.grpc.v1.cri']['containerd']['runtimes']['runc']['options']
            assert runc['SystemdCgroup'] is True, path
            assert config['version'] == 2, path
        print('ok', len(sys.argv) - 1)
        """
        let result = try ProcessRunner.run("python3", ["-c", script] + configs.map(\.3))
        #expect(result.succeeded, "\(result.stderr)")
        #expect(result.stdout == "ok \(configs.count)\n")
    }

    @Test func keepalivedCheckScript_isValidShell_startingWithItsInterpreter() throws {
        let scripts = try trees().paths { $0 == NodePaths.keepalivedCheck }
        #expect(!scripts.isEmpty)
        for (_, _, file, local) in scripts {
            #expect(file.text.hasPrefix("#!/bin/sh\n"))
            #expect(try ProcessRunner.run("sh", ["-n", local]).succeeded)
        }
    }

    @Test func writtenTrees_keepEachFilesMode() throws {
        for (entry, host, file, local) in try trees().paths(where: { _ in true }) {
            let attributes = try FileManager.default.attributesOfItem(atPath: local)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value
            #expect(mode == file.mode, "\(entry.name)/\(host.host)\(file.path)")
        }
    }
}
