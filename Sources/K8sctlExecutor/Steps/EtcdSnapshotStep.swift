import K8sctlPlanning

/// `etcdctl snapshot save` of the host's own member into the snapshot directory, verified with
/// `snapshot status`, then only the newest `retain` snapshots kept. Written to a temporary name
/// first so an interrupted save never leaves a truncated file that looks like a snapshot.
struct EtcdSnapshotStep {
    let action: SnapshotAction

    /// Arguments: directory, file name, retain, then the etcdctl command line.
    static let script = #"""
    set -eu
    dir=$1; name=$2; retain=$3; shift 3
    mkdir -p "$dir"; chmod 700 "$dir"
    tmp="$dir/.$name.partial"
    rm -f "$tmp"
    "$@" snapshot save "$tmp" >/dev/null
    "$@" snapshot status "$tmp" -w simple >&2
    mv -f "$tmp" "$dir/$name"
    echo "saved $dir/$name $(stat -c %s "$dir/$name")"
    # Newest first; everything past `retain` goes (only *.db files: the directory may hold others).
    ls -1t "$dir"/*.db 2>/dev/null | tail -n +$((retain + 1)) | while IFS= read -r old; do
      rm -f -- "$old"; echo "removed $old"
    done
    """#

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        let etcdctl = EtcdMemberStep.etcdctl(endpoint: "https://\(context.host.clusterAddress.urlHost):\(context.cluster.etcd.clientPort)")
        let result = try await context.require(["/bin/sh", "-c", Self.script, "k8sctl-etcd-snapshot",
                                                action.directory, action.name, String(max(1, action.retain))]
                                               + etcdctl + ["--command-timeout=60s"],
                                               timeout: .seconds(300))
        let lines = result.stdout.split(separator: "\n")
        let saved = lines.first { $0.hasPrefix("saved ") }.map { $0.dropFirst(6).split(separator: " ") } ?? []
        let removed = lines.filter { $0.hasPrefix("removed ") }.count
        let size = saved.count > 1 ? " (\(saved[1]) bytes)" : ""
        return (.changed, "snapshot \(saved.first ?? "?")\(size)" + (removed > 0 ? ", \(removed) old snapshot(s) removed" : ""))
    }
}
