/// The fixed POSIX shell program that gathers a host's facts in one round trip.
///
/// It is constant text: everything that varies (paths, unit names, etcd endpoint and certificate
/// paths) arrives as positional arguments, so no inventory value is ever parsed by the shell.
/// Arguments: ETCD_ENDPOINT ETCD_CACERT ETCD_CERT ETCD_KEY NUNITS UNIT… NCOMPONENTS COMPONENT…
/// NSWEEP DIRECTORY… PATH…
/// Output: `key=value` lines and sections between `@@section` markers, read by `FactsParser`.
///
/// Its cost on the node does not grow with the number of paths: one `sha256sum` and one `stat`
/// for all managed files, one `systemctl show` for all units (a fleet-wide no-op apply used to
/// start two processes per file and two per unit on every host). Component versions are probed
/// only for the components asked for and only where a k8sctl unit runs (running `kubelet
/// --version` costs more than everything else here), and etcd is asked only when a k8sctl unit is
/// active (nothing can serve it otherwise).
/// Without systemd as PID 1 (a container, a light test node) units are reported `unknown`.
enum FactsScript {
    static let text = #"""
set -u -f
etcd_endpoint=$1 etcd_ca=$2 etcd_cert=$3 etcd_key=$4 nunits=$5
shift 5
export LC_ALL=C
. /etc/os-release 2>/dev/null || true
echo "os_id=${ID:-unknown}"
echo "os_version=${VERSION_ID:-unknown}"
# Builtin reads where the kernel offers the value as a file: every process start counts on a fleet.
arch=''; kernel=''
read -r arch < /proc/sys/kernel/arch 2>/dev/null || arch=$(uname -m)
read -r kernel < /proc/sys/kernel/osrelease 2>/dev/null || kernel=$(uname -r)
echo "arch=$arch"
echo "kernel=$kernel"
h=unknown; read -r h < /proc/sys/kernel/hostname 2>/dev/null || h=$(hostname)
echo "hostname=$h"
echo "clock=$(date +%s)"
n=0
if [ -r /proc/swaps ]; then while IFS= read -r l; do n=$((n + 1)); done < /proc/swaps; fi
if [ "$n" -gt 1 ]; then echo "swap=on"; else echo "swap=off"; fi
units=''
i=0
while [ "$i" -lt "$nunits" ]; do units="$units $1"; shift; i=$((i + 1)); done
ncomponents=$1; shift
components=''
i=0
while [ "$i" -lt "$ncomponents" ]; do components="$components $1"; shift; i=$((i + 1)); done
# Staging directories (`.k8sctl-TOKEN`) a killed writer left in these directories: only apply asks,
# under the cluster lock, so no live writer owns one. A writer killed after its last rename and
# before its rmdir leaves one empty, and an apply that writes nothing there would never sweep it.
nsweep=$1; shift
i=0
set +f
while [ "$i" -lt "$nsweep" ]; do
  for stale in "$1"/.k8sctl-*; do
    [ -d "$stale" ] && [ ! -L "$stale" ] && rm -rf -- "$stale"
  done
  shift; i=$((i + 1))
done
set -f
active=no
if [ -d /run/systemd/system ]; then
  echo "systemd=yes"
  echo "@@units-show"
  # Unit names are k8sctl's own (kubelet.service…): splitting $units (globbing is off) is safe.
  show=$(systemctl show --property=Id,LoadState,ActiveState,UnitFileState -- $units 2>/dev/null) || true
  printf '%s\n' "$show"
  case $show in *ActiveState=active*) active=yes ;; esac
else
  echo "systemd=no"
  echo "@@units"
  for u in $units; do printf 'unknown unknown %s\n' "$u"; done
fi
n=$#; i=0
while [ "$i" -lt "$n" ]; do p=$1; shift; [ -f "$p" ] && set -- "$@" "$p"; i=$((i + 1)); done
if [ "$#" -gt 0 ]; then
  echo "@@files"
  sha256sum -- "$@" 2>/dev/null
  echo "@@file-metadata"
  stat -L -c '%a %U %G %n' -- "$@" 2>/dev/null
fi
echo "@@versions"
# A binary no unit runs is replaced (by its pinned version) before anything starts it: its version
# matters to no one, and running it (a Python stand-in, a 100 MB Go binary) is not free.
[ "$active" = yes ] || components=''
for b in $components; do
  for d in /usr/local/bin /usr/bin; do
    if [ -x "$d/$b" ]; then
      v=$("$d/$b" --version 2>/dev/null | head -n 1)
      printf '%s %s\n' "$b" "$v"
      break
    fi
  done
done
if [ -n "$etcd_endpoint" ] && [ "$active" = yes ] && command -v etcdctl >/dev/null 2>&1 && [ -r "$etcd_cert" ]; then
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
