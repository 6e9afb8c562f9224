import Foundation
import K8sctlModel
import Testing
@testable import K8sctlPKI

/// Issuing speed for 1,000 node credentials. Runs only when `K8SCTL_BENCH_PKI=1` (see
/// `bench/pki.sh`, which builds in release): figures are printed, never asserted, because timing
/// on a shared machine is not a test.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["K8SCTL_BENCH_PKI"] == "1"))
struct PKIBenchmark {
    static func cluster(workers: Int, algorithm: PKISettings.KeyAlgorithm) -> Cluster {
        var cluster = PKIFixtures.cluster(algorithm: algorithm)
        cluster.hosts.removeAll { $0.isWorker }
        for index in 0..<workers {
            let address = IPAddress(bytes: [10, 1, UInt8(index / 250), UInt8(index % 250 + 1)])!
            cluster.hosts.append(Host(name: String(format: "node-%04d", index), address: address, roles: [.worker]))
        }
        return cluster
    }

    /// User + system CPU time of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
    }

    @Test(arguments: PKISettings.KeyAlgorithm.allCases)
    func thousandNodeCredentials(algorithm: PKISettings.KeyAlgorithm) throws {
        let directory = try TemporaryDirectory("bench")
        let cluster = Self.cluster(workers: 1000, algorithm: algorithm)
        let clock = ContinuousClock()
        var report = IssueReport()
        let cpuBefore = Self.cpuSeconds()
        let first = try clock.measure { (_, report) = try ClusterPKI.ensure(cluster: cluster, store: directory.store) }
        let issued = report.issued.count
        let firstCPU = Self.cpuSeconds() - cpuBefore
        let second = try clock.measure { (_, report) = try ClusterPKI.ensure(cluster: cluster, store: directory.store) }
        let kubelets = CertificateCatalog.entry(named: "kubeconfig-kubelet")!
        let requests = cluster.hosts.map { CertificateRequest(spec: kubelets, host: $0, cluster: cluster) }
        let issuer = CertificateIssuer(settings: cluster.pki)
        let authority = try issuer.issueAuthority(CertificateRequest(spec: CertificateCatalog.entry(named: "ca")!, host: nil, cluster: cluster))
        let cpuBeforeMemory = Self.cpuSeconds()
        let inMemory = clock.measure {
            DispatchQueue.concurrentPerform(iterations: requests.count) { index in
                _ = try? issuer.issue(requests[index], by: authority)
            }
        }
        let inMemoryCPU = Self.cpuSeconds() - cpuBeforeMemory
        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)
        print("""
            PKI bench \(algorithm.rawValue), \(cluster.hosts.count) hosts, \(ProcessInfo.processInfo.activeProcessorCount) cores:
              load average at end: \(String(format: "%.1f", load[0]))
              first ensure (\(issued) keys+certs issued, written 0600): \(first) wall, \(String(format: "%.1f", firstCPU)) s CPU
              first ensure, CPU / cores (wall time on an idle machine): \(String(format: "%.1f", firstCPU / Double(ProcessInfo.processInfo.activeProcessorCount))) s
              second ensure (\(report.reused.count) reused, \(report.issued.count + report.renewed.count) re-issued): \(second)
              \(requests.count) kubelet client certificates in memory, parallel: \(inMemory) wall, \(String(format: "%.1f", inMemoryCPU)) s CPU
            """)
    }
}
