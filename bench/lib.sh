# Sourced by the bench scripts: the release k8sctl they time. Sets K8SCTL; builds first unless
# SKIP_BUILD=1 (bench/run builds once and sets it). Needs ROOT. Usage: release_k8sctl SCRIPT_NAME
# The Swift runtime and Foundation are linked statically (--static-swift-stdlib): `plan` of 5,000
# hosts takes ~9 % less CPU (no dynamic symbol binding or cross-library calls for every
# retain/release; start-up 9.6 → 6.2 ms), and the binary needs no Swift libraries on the host.
release_k8sctl() {
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "[bench] swift build -c release --product k8sctl --static-swift-stdlib" >&2
    (cd "$ROOT" && swift build -c release --product k8sctl --static-swift-stdlib >&2)
  fi
  K8SCTL="$ROOT/.build/release/k8sctl"
  [ -x "$K8SCTL" ] || { echo "$1: $K8SCTL missing (run without SKIP_BUILD)" >&2; exit 2; }
}

# Wall-clock timing: t0=$(now); …; since "$t0" prints the seconds in between.
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
# The median of the arguments ("-" when there are none).
median() { (($#)) || { echo -; return; }; printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# Test nodes of this run's own: sets PREFIX to BASE + this shell's pid in hex (so another engineer's
# run of the same script, or any other group, is never taken down by this one) and WORK to a scratch
# directory; on exit the group is taken down and WORK removed. Usage: own_test_nodes BASE NAME
own_test_nodes() {
  PREFIX=$1$(printf '%x' $$)
  WORK=$(mktemp -d "/tmp/k8sctl-$2-XXXXXX")
  trap 'remove_own_test_nodes' EXIT INT TERM
}
remove_own_test_nodes() { "$ROOT/scripts/testnodes" down --name "$PREFIX" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
