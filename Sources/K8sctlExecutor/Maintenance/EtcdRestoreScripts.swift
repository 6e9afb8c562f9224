/// The shell halves of `k8sctl etcd restore`, run with arguments as data (never spliced).
enum EtcdRestoreScripts {
    /// Restores the snapshot into `<dataDir>.k8sctl-restore` next to the live data directory, which
    /// stays untouched: this is also the integrity check (restore verifies the snapshot's hash).
    /// etcd ≥ 3.5 restores with etcdutl (etcdctl's copy is deprecated, and gone in 3.6); 3.4 has
    /// only etcdctl. Arguments: snapshot, data dir, member name, initial cluster, token, peer URL.
    static let stage = #"""
    set -eu
    snap=$1; data=$2; name=$3; initial=$4; token=$5; peer=$6
    tmp="$data.k8sctl-restore"
    rm -rf -- "$tmp"
    mkdir -p -- "$(dirname -- "$data")"
    if command -v etcdutl >/dev/null 2>&1; then
      tool="etcdutl"
      etcdutl snapshot restore "$snap" --name "$name" --initial-cluster "$initial" \
        --initial-cluster-token "$token" --initial-advertise-peer-urls "$peer" --data-dir "$tmp" >&2
    else
      tool="etcdctl"
      ETCDCTL_API=3 etcdctl snapshot restore "$snap" --name "$name" --initial-cluster "$initial" \
        --initial-cluster-token "$token" --initial-advertise-peer-urls "$peer" --data-dir "$tmp" >&2
    fi
    chmod 700 "$tmp"
    echo "$tool"
    """#

    /// Removes a staged restore (the run was refused or not confirmed).
    static let discard = #"""
    rm -rf -- "$1.k8sctl-restore"
    """#

    /// Moves the live data directory aside (never deleted) and the staged one into its place.
    /// Arguments: data dir, suffix for the old one. Prints where the old one went.
    static let swap = #"""
    set -eu
    data=$1; aside="$1.$2"
    [ -d "$data.k8sctl-restore" ] || { echo "no staged restore at $data.k8sctl-restore" >&2; exit 1; }
    if [ -e "$data" ]; then mv -- "$data" "$aside"; echo "$aside"; fi
    mv -- "$data.k8sctl-restore" "$data"
    sync
    """#
}
