import K8sctlModel
import K8sctlPlanning

/// What k8sctl put on one host, derived from the install plan for that host's roles (the playbooks
/// are the catalog: every unit they start, every file they render or upload), plus the data and
/// state directories. `k8sctl reset` removes exactly this, nothing else.
struct ResetFootprint: Sendable, Hashable {
    /// Units to stop and disable, the kubelet first (it would restart static pods).
    var units: [String]
    /// Paths to move aside (or delete with `--wipe-data`), parents before children.
    var paths: [String]

    /// - Parameters:
    ///   - plan: an install plan of the cluster the host belonged to.
    static func of(host: Host, in cluster: Cluster, plan: Plan) -> ResetFootprint {
        var units: [String] = []
        var paths: Set<String> = [
            "/etc/kubernetes", "/etc/etcd", "/var/lib/kubelet", "/var/lib/kubelet.decommissioned",
            cluster.etcd.dataDir, cluster.etcd.dataDir + ".decommissioned", AppliedState.directory,
        ]
        for step in plan.steps where step.host == host.name {
            switch step.action {
            case .unit(let unit):
                if !units.contains(unit.name) { units.append(unit.name) }
                paths.insert("/etc/systemd/system/\(unit.name)")
                paths.insert("/etc/systemd/system/\(unit.name).d")
            case .render(let render): paths.insert(render.path)
            case .uploadArtifact(let artifact): paths.insert(artifact.path)
            default: break
            }
        }
        units.sort { ($0 == "kubelet.service" ? 0 : 1, $0) < ($1 == "kubelet.service" ? 0 : 1, $1) }
        return ResetFootprint(units: units, paths: paths.sorted())
    }

    /// Runs on the host with the footprint as argv (never spliced into the script): stops and
    /// disables the units (after the kubelet, removes its pods' containers when `crictl` is there),
    /// then moves each existing path under `$dest` keeping its tree, or deletes it (`wipe`).
    /// Prints one `moved PATH` / `removed PATH` line per path. The `--forget` paths are dropped
    /// from what went aside: the cluster lock, held by this very reset while its directory moved,
    /// would otherwise come back held with an undo.
    static let script = #"""
    set -u
    umask 077
    mode=$1; dest=$2; shift 2
    phase=; failed=0
    for a in "$@"; do
      case "$a" in --units) phase=u; continue;; --paths) phase=p; continue;; --forget) phase=f; continue;; esac
      if [ "$phase" = f ]; then
        [ "$mode" = wipe ] || rm -rf -- "$dest$a" || failed=1
      elif [ "$phase" = u ]; then
        systemctl stop "$a" >/dev/null 2>&1 || true
        systemctl disable "$a" >/dev/null 2>&1 || true
        if systemctl is-active --quiet "$a"; then echo "$a is still active" >&2; failed=1; fi
        if [ "$a" = kubelet.service ] && command -v crictl >/dev/null 2>&1; then
          crictl rmp --all --force >/dev/null 2>&1 || echo "crictl rmp failed; pods may still run" >&2
        fi
        echo "stopped $a"
      else
        [ -e "$a" ] || [ -L "$a" ] || continue
        if [ "$mode" = wipe ]; then
          rm -rf -- "$a" && echo "removed $a" || failed=1
        else
          mkdir -p -- "$dest$(dirname -- "$a")" && mv -- "$a" "$dest$a" && echo "moved $a" || failed=1
        fi
      fi
    done
    systemctl daemon-reload || failed=1
    exit $failed
    """#

    func argv(wipe: Bool, destination: String) -> [String] {
        ["/bin/sh", "-c", Self.script, "k8sctl-reset", wipe ? "wipe" : "aside", destination, "--units"] + units + ["--paths"] + paths
            + ["--forget", ClusterLock.directory]
    }
}
