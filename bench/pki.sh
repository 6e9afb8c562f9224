#!/usr/bin/env bash
# PKI at scale: `k8sctl certs ensure` for a cluster of 1,000 worker nodes + 5 control-plane/etcd
# hosts (scripts/generate-inventory 1005), RSA-2048 and ECDSA P-256, in a release build: the first
# run issues every CA, key and certificate into an empty store and writes them (keys 0600); the
# second finds them all valid and reuses them. Median of RUNS fresh processes each; the CPU column
# is the stable figure on a shared machine (leaves are issued on every core). Asserts nothing.
#
# Usage: bench/pki.sh                      (from anywhere; the first release build takes minutes)
#        RUNS=1 bench/pki.sh
#        SKIP_BUILD=1 bench/pki.sh         (use the existing .build/release/k8sctl)
# The in-process variant (issuing speed without the CLI) is the PKIBenchmark test suite:
#        K8SCTL_BENCH_PKI=1 swift test -c release -Xswiftc -enable-testing --filter PKIBenchmark
set -euo pipefail
RUNS=${RUNS:-3}
WORKERS=${WORKERS:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MEASURE="$ROOT/bench/measure.py"
WORK=$(mktemp -d /tmp/k8sctl-bench-pki-XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM

cd "$ROOT"
. "$ROOT/bench/lib.sh"
release_k8sctl bench/pki.sh

load() { cut -d' ' -f1 /proc/loadavg; }
seconds() { awk -v s="$1" 'BEGIN { printf "%.2f", s }'; }
hosts=$((WORKERS + 5))
scripts/generate-inventory "$hosts" > "$WORK/ecdsa-p256.yaml"
sed 's/keyAlgorithm: ecdsa-p256/keyAlgorithm: rsa-2048/' "$WORK/ecdsa-p256.yaml" > "$WORK/rsa-2048.yaml"

echo "[bench] PKI at scale: $hosts hosts (5 control-plane/etcd, $WORKERS workers), $(nproc) cores, $RUNS runs per figure (median)" >&2
declare -A row
for algorithm in ecdsa-p256 rsa-2048; do
  inventory="$WORK/$algorithm.yaml"
  # Fresh store per run: a wrapper that empties it, then issues everything.
  cat > "$WORK/fresh-$algorithm.sh" <<SCRIPT
#!/bin/sh
rm -rf "$WORK/pki-$algorithm" && exec "$K8SCTL" certs ensure "$inventory" --pki-dir "$WORK/pki-$algorithm"
SCRIPT
  chmod +x "$WORK/fresh-$algorithm.sh"
  echo "[bench] $algorithm: first ensure (empty store), load $(load)" >&2
  read -r f_wall f_cpu _ <<<"$("$MEASURE" "$RUNS" "$WORK/fresh-$algorithm.sh")"
  files=$(find "$WORK/pki-$algorithm" -name '*.key' | wc -l)
  certificates=$(find "$WORK/pki-$algorithm" \( -name '*.crt' -o -name '*.conf' \) | wc -l)
  loose=$(find "$WORK/pki-$algorithm" -name '*.key' ! -perm 0600 | wc -l)
  [ "$loose" = 0 ] || { echo "bench/pki.sh: $loose key files are not 0600" >&2; exit 1; }
  echo "[bench] $algorithm: second ensure (everything reused), load $(load)" >&2
  read -r s_wall s_cpu _ <<<"$("$MEASURE" "$RUNS" "$K8SCTL" certs ensure "$inventory" --pki-dir "$WORK/pki-$algorithm")"
  echo "[bench]   $algorithm: $files keys, $certificates certificates/kubeconfigs; first $(seconds "$f_wall") s wall, $(seconds "$f_cpu") s CPU; second $(seconds "$s_wall") s wall, $(seconds "$s_cpu") s CPU" >&2
  row[$algorithm]="| $algorithm | $files | $(seconds "$f_wall") s | $(seconds "$f_cpu") s | $(seconds "$(awk -v c="$f_cpu" -v n="$(nproc)" 'BEGIN { print c / n }')") s | $(seconds "$s_wall") s |"
done

echo
echo "PKI at scale — $hosts hosts, $(nproc) cores, load average $(load) at the end, median of $RUNS runs."
echo
echo "| key algorithm | keys issued | first ensure (wall) | first ensure (CPU) | CPU / cores | second ensure, all reused (wall) |"
echo "|---|---:|---:|---:|---:|---:|"
for algorithm in ecdsa-p256 rsa-2048; do echo "${row[$algorithm]}"; done
