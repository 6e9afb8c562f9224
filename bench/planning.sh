#!/usr/bin/env bash
# Planning at scale: `k8sctl validate` and `k8sctl plan` (load + validate + plan, the pipeline a
# user runs before apply) on generated Kubespray-shaped clusters of 1k, 5k and 10k hosts, side by
# side with `ansible-inventory --list` on the same hosts written as a Kubespray inventory.ini +
# group_vars. Release build; median of RUNS runs of each command (fresh process each time).
# Prints the figures and a markdown table; asserts nothing.
#
# Usage: bench/planning.sh                     (from anywhere; first release build takes minutes)
#        RUNS=3 SIZES="1000 5000" bench/planning.sh
#        SKIP_BUILD=1 bench/planning.sh        (use the existing .build/release/k8sctl)
set -euo pipefail
RUNS=${RUNS:-5}
SIZES=${SIZES:-1000 5000 10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MEASURE="$ROOT/bench/measure.py"
WORK=$(mktemp -d /tmp/k8sctl-bench-planning-XXXXXX)
trap 'rm -rf "$WORK"' EXIT INT TERM

cd "$ROOT"
. "$ROOT/bench/lib.sh"
release_k8sctl bench/planning.sh

if ! command -v ansible-inventory >/dev/null 2>&1; then
  echo "[bench] installing ansible-core from PyPI (pip)" >&2
  python3 -m pip install --quiet ansible-core >&2
fi
# The real entry point, not a pyenv shim (a shim adds a bash start per run).
ANSIBLE_INVENTORY=$(command -v ansible-inventory)
if command -v pyenv >/dev/null 2>&1 && pyenv which ansible-inventory >/dev/null 2>&1; then
  ANSIBLE_INVENTORY=$(pyenv which ansible-inventory)
fi
ANSIBLE_VERSION=$("$ANSIBLE_INVENTORY" --version 2>/dev/null | head -1)

load() { cut -d' ' -f1 /proc/loadavg; }
ms() { awk -v s="$1" 'BEGIN { printf "%.0f", s * 1000 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

echo "[bench] planning at scale: $(nproc) cores, $RUNS runs per figure (median), $ANSIBLE_VERSION" >&2
echo "[bench] load average at start: $(load)" >&2
declare -A row
for n in $SIZES; do
  scripts/generate-inventory "$n" > "$WORK/cluster-$n.yaml"
  scripts/generate-inventory --ansible "$WORK/ansible-$n" "$n"
  # Same hosts on both sides, and an inventory k8sctl accepts (a refused one would time an error path).
  listed=$("$ANSIBLE_INVENTORY" -i "$WORK/ansible-$n/inventory.ini" --list \
             | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["_meta"]["hostvars"]))')
  [ "$listed" = "$n" ] || { echo "bench/planning.sh: ansible-inventory lists $listed hosts, expected $n" >&2; exit 1; }
  "$K8SCTL" plan "$WORK/cluster-$n.yaml" > "$WORK/plan-$n.txt"
  steps=$(sed -n 's/.* — \([0-9]*\) steps in \([0-9]*\) batch.*/\1 steps, \2 batches/p' "$WORK/plan-$n.txt")

  # Fixed argument order per size; each command's runs back to back.
  read -r v_wall v_cpu v_rss _ <<<"$("$MEASURE" "$RUNS" "$K8SCTL" validate "$WORK/cluster-$n.yaml")"
  read -r p_wall p_cpu p_rss _ <<<"$("$MEASURE" "$RUNS" "$K8SCTL" plan "$WORK/cluster-$n.yaml")"
  read -r j_wall j_cpu j_rss _ <<<"$("$MEASURE" "$RUNS" "$K8SCTL" plan "$WORK/cluster-$n.yaml" -o "$WORK/plan-$n.json")"
  read -r a_wall a_cpu a_rss _ <<<"$("$MEASURE" "$RUNS" "$ANSIBLE_INVENTORY" -i "$WORK/ansible-$n/inventory.ini" --list)"
  json_mb=$(mb $(( $(stat -c %s "$WORK/plan-$n.json") / 1024 )))
  echo "[bench] $n hosts ($steps; plan.json $json_mb MB), load $(load):" >&2
  echo "[bench]   k8sctl validate          $(ms "$v_wall") ms wall, $(ms "$v_cpu") ms CPU, $(mb "$v_rss") MB peak RSS" >&2
  echo "[bench]   k8sctl plan              $(ms "$p_wall") ms wall, $(ms "$p_cpu") ms CPU, $(mb "$p_rss") MB peak RSS" >&2
  echo "[bench]   k8sctl plan -o plan.json $(ms "$j_wall") ms wall, $(ms "$j_cpu") ms CPU, $(mb "$j_rss") MB peak RSS" >&2
  echo "[bench]   ansible-inventory --list $(ms "$a_wall") ms wall, $(ms "$a_cpu") ms CPU, $(mb "$a_rss") MB peak RSS" >&2
  cell() { echo "$(ms "$1") ms · $(ms "$2") ms · $(mb "$3") MB"; }
  row[$n]="| $n | $(cell "$v_wall" "$v_cpu" "$v_rss") | $(cell "$p_wall" "$p_cpu" "$p_rss") | $(cell "$j_wall" "$j_cpu" "$j_rss") | $(cell "$a_wall" "$a_cpu" "$a_rss") | **$(ratio "$a_wall" "$p_wall")×** | **$(ratio "$a_cpu" "$p_cpu")×** | $(load) |"
done

echo
echo "Planning at scale — $(nproc) cores, median of $RUNS runs; each cell: wall · CPU (user+system) · peak RSS."
echo "\`plan\` = load + validate + plan with the text summary (what \`k8sctl plan cluster.yaml\` runs)."
echo
echo "| hosts | k8sctl validate | k8sctl plan | k8sctl plan -o plan.json | ansible-inventory --list | ansible / plan, wall | ansible / plan, CPU | load |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do echo "${row[$n]}"; done
