/// The fixed POSIX shell program that gathers a host's facts in one round trip.
///
/// It is constant text: everything that varies (paths, unit names, etcd endpoint and certificate
/// paths) arrives as positional arguments, so no inventory value is ever parsed by the shell.
/// Arguments: ETCD_ENDPOINT ETCD_CACERT ETCD_CERT ETCD_KEY NPATHS PATH… UNIT…
/// Output: `key=value` lines and sections between `@@section` markers, read by `FactsParser`.
enum FactsScript {
    static let text = #"""
set -u
etcd_endpoint=$1 etcd_ca=$2 etcd_cert=$3 etcd_key=$4 npaths=$5
shift 5
export LC_ALL=C
. /etc/os-release 2>/dev/null || true
echo "os_id=${ID:-unknown}"
echo "os_version=${VERSION_ID:-unknown}"
echo "arch=$(uname -m)"
echo "kernel=$(uname -r)"
echo "hostname=$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname)"
echo "clock=$(date +%s)"
if [ -r /proc/swaps ] && [ "$(wc -l < /proc/swaps)" -gt 1 ]; then echo "swap=on"; else echo "swap=off"; fi
echo "@@files"
i=0
while [ "$i" -lt "$npaths" ]; do
  p=$1; shift; i=$((i + 1))
  if [ -f "$p" ]; then
    sum=$(sha256sum < "$p" 2>/dev/null) && printf '%s %s\n' "${sum%% *}" "$p"
  fi
done
echo "@@units"
for u in "$@"; do
  a=$(systemctl is-active "$u" 2>/dev/null); e=$(systemctl is-enabled "$u" 2>/dev/null)
  printf '%s %s %s\n' "${a:-unknown}" "${e:-not-found}" "$u"
done
echo "@@versions"
for b in etcd kubelet containerd; do
  for d in /usr/local/bin /usr/bin; do
    if [ -x "$d/$b" ]; then
      v=$("$d/$b" --version 2>/dev/null | head -n 1)
      printf '%s %s\n' "$b" "$v"
      break
    fi
  done
done
if [ -n "$etcd_endpoint" ] && command -v etcdctl >/dev/null 2>&1 && [ -r "$etcd_cert" ]; then
  echo "@@etcd-members"
  ETCDCTL_API=3 etcdctl --endpoints="$etcd_endpoint" --cacert="$etcd_ca" --cert="$etcd_cert" --key="$etcd_key" \
    --command-timeout=3s member list -w simple 2>/dev/null
  echo "@@etcd-health"
  if ETCDCTL_API=3 etcdctl --endpoints="$etcd_endpoint" --cacert="$etcd_ca" --cert="$etcd_cert" --key="$etcd_key" \
    --command-timeout=3s endpoint health >/dev/null 2>&1; then echo healthy; else echo unhealthy; fi
fi
echo "@@end"
"""#
}
