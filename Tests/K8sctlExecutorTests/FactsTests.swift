import Foundation
import K8sctlExecutor
import K8sctlTestSupport
import Testing

@Suite("Host facts")
struct FactsTests {
    /// Runs the real facts script with /bin/sh on this machine (the same argv the transport sends).
    @Test func factsScript_reportsChecksumsUnitsAndSystem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("facts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let present = directory.appendingPathComponent("with space; $(touch pwned).conf")
        try Data("hello\n".utf8).write(to: present)
        let missing = directory.appendingPathComponent("missing.yaml").path

        let command = FactsGatherer().command(paths: [present.path, missing], units: ["no-such-unit-k8sctl.service"], etcd: nil)
        let output = try ProcessRunner.run(command.arguments[0], Array(command.arguments.dropFirst()))
        #expect(output.succeeded, "\(output.stderr)")
        let facts = FactsGatherer.parse(output.stdout)

        #expect(facts.fileChecksums[present.path] == "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        #expect(facts.fileChecksums[missing] == nil)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("pwned").path))
        #expect(!facts.architecture.isEmpty)
        #expect(!facts.osID.isEmpty)
        #expect(facts.clock > 1_700_000_000)
        #expect(facts.units["no-such-unit-k8sctl.service"] != nil)
        #expect(facts.units["no-such-unit-k8sctl.service"]?.isActive == false)
        #expect(facts.etcdMembers == nil)
    }

    /// A writer killed after its last rename leaves an empty staging directory that no later write
    /// to that directory needs to happen: apply's facts (under the lock) remove it. Only
    /// `.k8sctl-*` directories go; files, symlinks (and where they point) and the managed files stay,
    /// and nothing is swept unless asked.
    @Test func factsScript_sweepsStagingDirectories_onlyWhereAsked() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("facts-sweep-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        let swept = root.appendingPathComponent("etc kubernetes"), untouched = root.appendingPathComponent("other")
        let outside = root.appendingPathComponent("outside")
        for directory in [swept, untouched, outside, swept.appendingPathComponent(".k8sctl-abc123"),
                          swept.appendingPathComponent(".k8sctl-emptyleft"), untouched.appendingPathComponent(".k8sctl-abc123")] {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        try Data("staged\n".utf8).write(to: swept.appendingPathComponent(".k8sctl-abc123/admin.conf"))
        try Data("managed\n".utf8).write(to: swept.appendingPathComponent("admin.conf"))
        try Data("old writer temp\n".utf8).write(to: swept.appendingPathComponent(".admin.conf.k8sctl-77"))
        try Data("keep\n".utf8).write(to: outside.appendingPathComponent("keep"))
        try fm.createSymbolicLink(at: swept.appendingPathComponent(".k8sctl-link"), withDestinationURL: outside)

        let command = FactsGatherer().command(paths: [swept.appendingPathComponent("admin.conf").path], units: [], etcd: nil,
                                              sweeping: [swept.path])
        let output = try ProcessRunner.run(command.arguments[0], Array(command.arguments.dropFirst()))
        #expect(output.succeeded, "\(output.stderr)")
        let left = try fm.contentsOfDirectory(atPath: swept.path).sorted()
        #expect(left == [".admin.conf.k8sctl-77", ".k8sctl-link", "admin.conf"], "\(left)")
        #expect(fm.fileExists(atPath: outside.appendingPathComponent("keep").path))
        #expect(fm.fileExists(atPath: untouched.appendingPathComponent(".k8sctl-abc123").path), "a directory not asked for")
        #expect(FactsGatherer.parse(output.stdout).fileChecksums[swept.appendingPathComponent("admin.conf").path] != nil,
                "the paths after the sweep list are still read")
    }

    @Test func parser_readsEtcdMembersAndHealth() {
        let output = """
        os_id=debian
        @@etcd-members
        8e9e05c52164694d, started, cp1, https://10.0.0.11:2380, https://10.0.0.11:2379, false
        91bc3c398fb3c146, unstarted, , https://10.0.0.12:2380, , false
        @@etcd-health
        healthy
        @@versions
        etcd etcd Version: 3.4.23
        kubelet Kubernetes v1.31.4
        @@end
        """
        let facts = FactsGatherer.parse(output)
        #expect(facts.etcdMembers?.count == 2)
        #expect(facts.etcdMembers?.first?.name == "cp1")
        #expect(facts.etcdMembers?.first?.peerURLs == ["https://10.0.0.11:2380"])
        #expect(facts.etcdMembers?.first?.clientURLs == ["https://10.0.0.11:2379"])
        #expect(facts.etcdMembers?.last?.hasStarted == false)
        #expect(facts.etcdHealthy == true)
        #expect(facts.componentVersions == ["etcd": "3.4.23", "kubelet": "1.31.4"])
    }
}
