import Foundation
import K8sctlModel
import K8sctlPlanning

/// Checks a host before anything is written to it. Read-only; fails with every problem found.
struct PreflightStep {
    let action: PreflightAction

    /// One program: the checks to run arrive as arguments, results as `ok|fail NAME detail` lines.
    static let script = #"""
    ports=$1; shift
    for check in "$@"; do
      case "$check" in
        swap-off)
          if [ "$(wc -l < /proc/swaps)" -gt 1 ]; then echo "fail swap-off swap is on: the kubelet refuses to start (swapoff -a and remove it from /etc/fstab)"; else echo "ok swap-off"; fi ;;
        systemd)
          if [ -d /run/systemd/system ]; then echo "ok systemd"; else echo "fail systemd systemd is not PID 1: k8sctl manages services as systemd units"; fi ;;
        ports-free)
          busy=""
          for p in $ports; do
            if ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then busy="$busy $p"; fi
          done
          if [ -z "$busy" ]; then echo "ok ports-free"; else echo "busy ports-free$busy"; fi ;;
        time-synchronized)
          echo "clock time-synchronized $(date +%s)" ;;
        disk-space)
          free=$(df -Pk /var 2>/dev/null | awk 'NR==2 {print $4}')
          if [ "${free:-0}" -ge 1048576 ]; then echo "ok disk-space"; else echo "fail disk-space less than 1 GiB free on /var (${free:-?} KiB)"; fi ;;
        kernel-modules)
          # A module counts as there when what it provides is visible: built-in kernels (and
          # containers, which see no /sys/module) have no module files to look at.
          has_overlay() { grep -qw overlay /proc/filesystems; }
          has_br_netfilter() { [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; }
          missing=""
          for m in overlay br_netfilter; do
            "has_$m" || { modprobe "$m" 2>/dev/null && "has_$m"; } || missing="$missing $m"
          done
          if [ -z "$missing" ]; then echo "ok kernel-modules"; else echo "fail kernel-modules cannot load:$missing"; fi ;;
      esac
    done
    """#

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        let ports = Self.ports(for: context.host, cluster: context.cluster)
        let result = try await context.require(["/bin/sh", "-c", Self.script, "k8sctl-preflight", ports.map(String.init).joined(separator: " ")]
            + action.checks.map(\.rawValue))
        var problems: [String] = []
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard fields.count >= 2 else { continue }
            switch fields[0] {
            case "fail": problems.append(fields.count > 2 ? fields[2] : fields[1])
            case "busy":
                // A port held by a k8sctl-managed service that already runs is fine on a re-apply.
                let busy = fields.count > 2 ? fields[2].split(separator: " ").compactMap { Int($0) } : []
                let alreadyOurs = try await Self.servicesRunning(in: context)
                if !alreadyOurs { problems.append("ports already in use: \(busy.map(String.init).joined(separator: ", ")) (another Kubernetes or etcd?)") }
            case "clock":
                if fields.count > 2, let remote = Double(fields[2]) {
                    let skew = abs(remote - Date().timeIntervalSince1970)
                    if skew > 30 { problems.append("clock is \(Int(skew)) s off this machine's: certificates and etcd leases need synchronized time (enable NTP)") }
                }
            default: break
            }
        }
        guard problems.isEmpty else {
            throw StepFailure(command: "preflight", outcome: "\(problems.count) check(s) failed", stderr: problems.joined(separator: "\n"))
        }
        return (.ok, "\(action.checks.count) checks passed")
    }

    static func ports(for host: K8sctlModel.Host, cluster: Cluster) -> [Int] {
        var ports: [Int] = []
        if host.isEtcd { ports += [cluster.etcd.clientPort, cluster.etcd.peerPort] }
        if host.isControlPlane { ports += [cluster.controlPlane.endpoint.apiServerPort, 10257, 10259] }
        if host.runsKubelet { ports.append(10250) }
        return ports
    }

    static func servicesRunning(in context: StepContext) async throws -> Bool {
        let units = (context.host.isEtcd ? ["etcd.service"] : []) + (context.host.runsKubelet ? ["kubelet.service"] : [])
        for unit in units where try await context.run(["systemctl", "is-active", "--quiet", unit]).succeeded { return true }
        return false
    }
}
