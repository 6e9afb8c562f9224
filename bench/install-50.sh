#!/usr/bin/env bash
# Fresh install benchmark: `k8sctl apply` (services started, every health wait included) of
# CP control-plane/etcd hosts + workers on N systemd-nspawn test nodes, then a no-op re-apply.
#
#   bench/install-50.sh [--nodes 50] [--control-planes 3] [--runs 1] [--new-host-batch SIZE] [--worker-batch SIZE] [--parallelism N] [--keep-logs DIR]
#   SKIP_BUILD=1 reuses .build/release/k8sctl; RUNS=N is the same as --runs N.
#   --new-host-batch sets spec.rollout.workers.newHostBatchSize, the batch of workers being added
#   (an install adds all of them); without it the default (100%) applies: every worker in one batch.
#   --new-host-batch 20% gives the 6 batches of rounds before it. --worker-batch sets
#   spec.rollout.workers.batchSize (changes to running workers; not used by an install).
#   --parallelism N is passed to both applies (k8sctl's default: 64 hosts at once).
#
# Per run: boot N fresh nspawn nodes (prefix "ib<pid>", torn down after the run and on exit; boot
# time reported, not part of the install), write the inventory (bench/fleet-inventory.sh: ECDSA,
# artifacts pinned), time `k8sctl apply --output json` (each event stamped with its arrival time)
# and the no-op `k8sctl apply` after it (must report 0 changed). Prints a table of the medians and
# a per-phase / per-batch / per-step summary of the last run's event stream.
#
# What is real and what is not: systemd (PID 1 in each node), sshd, etcd and etcdctl (Debian's
# binaries) forming a TLS cluster from the rendered certificates and units, the file system,
# certificate verification. kube-apiserver, the kubelet and containerd are the TEST STAND-INS of
# scripts/test-artifacts (Tests/standins, Python): the API server stand-in serves /readyz from the
# real etcd and stores Nodes there, the kubelet stand-in runs the static pods' API server and
# registers its Node, containerd's only answers systemd's notify. So the health waits are real
# waits on real processes, but the start-up cost of the real kube-apiserver/kubelet is not in it.
# Root only. Asserts nothing (besides the no-op reporting 0 changed).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
N=50 CP=3 RUNS=${RUNS:-1} KEEP="" BATCH="" NEWBATCH="" PARALLELISM=""
while (($#)); do
  case $1 in
    --nodes) N=$2; shift 2 ;;
    --control-planes) CP=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --keep-logs) KEEP=$2; shift 2 ;;
    --worker-batch) BATCH=$2; shift 2 ;;
    --new-host-batch) NEWBATCH=$2; shift 2 ;;
    --parallelism) PARALLELISM=$2; shift 2 ;;
    *) echo "usage: bench/install-50.sh [--nodes N] [--control-planes N] [--runs N] [--new-host-batch SIZE] [--worker-batch SIZE] [--parallelism N] [--keep-logs DIR]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "bench/install-50.sh: needs root (nspawn test nodes)" >&2; exit 2; }
own_test_nodes ib install
log() { echo "[install] $*" >&2; }

release_k8sctl install-50.sh
export K8SCTL_TEMPLATES=$ROOT/templates K8SCTL_PLAYBOOKS=$ROOT/playbooks
"$ROOT/scripts/test-artifacts" "$WORK/artifacts" 1.31.4 >/dev/null

# CPU seconds used by every process of the nodes (their cgroup tree, systemd included) and by the
# whole machine (busy time of all cores, from /proc/stat): what else ran beside the install.
nodes_cpu() { awk '/^usage_usec/ {printf "%.3f", $2 / 1e6}' "/sys/fs/cgroup/unified/k8sctl-testnodes/$PREFIX/cpu.stat" 2>/dev/null || echo 0; }
# CPU seconds per unit inside the nodes, summed over nodes (payload/system.slice/<unit>, init.scope…;
# "supervisor" is systemd-nspawn itself), as JSON; the difference of two snapshots is the install's.
units_cpu() {
  python3 - "/sys/fs/cgroup/unified/k8sctl-testnodes/$PREFIX" <<'PY'
import json, os, sys
root, totals = sys.argv[1], {}
for node in os.listdir(root):
    base = os.path.join(root, node)
    if not os.path.isdir(base):
        continue
    for parent in ("payload/system.slice", "payload"):
        directory = os.path.join(base, parent)
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            stat = os.path.join(directory, name, "cpu.stat")
            if name == "system.slice" or not os.path.isfile(stat):
                continue
            usec = int(next(l.split()[1] for l in open(stat) if l.startswith("usage_usec")))
            totals[name] = totals.get(name, 0) + usec / 1e6
    stat = os.path.join(base, "supervisor", "cpu.stat")
    if os.path.isfile(stat):
        totals["(systemd-nspawn)"] = totals.get("(systemd-nspawn)", 0) + int(next(l.split()[1] for l in open(stat) if l.startswith("usage_usec"))) / 1e6
print(json.dumps(totals))
PY
}
machine_cpu() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / {printf "%.3f", ($2 + $3 + $4 + $7 + $8 + $9) / hz}' /proc/stat; }
mem_used_mib() { awk '/MemTotal/ {t=$2} /MemAvailable/ {a=$2} END {printf "%d", (t-a)/1024}' /proc/meminfo; }

# Runs k8sctl apply with --output json; every line is stamped with seconds since the start.
# Writes the stamped stream to $2 and prints "wall_seconds cpu_seconds" (k8sctl's own CPU, user+system).
timed_apply() {
  local inventory=$1 out=$2
  python3 - "$K8SCTL" "$inventory" "$out" ${PARALLELISM:+--parallelism "$PARALLELISM"} <<'PY'
import json, os, subprocess, sys, time
k8sctl, inventory, out = sys.argv[1:4]
start = time.perf_counter()
process = subprocess.Popen([k8sctl, "apply", inventory, "--output", "json"] + sys.argv[4:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
with open(out, "w") as sink:
    for raw in process.stdout:
        t = time.perf_counter() - start
        line = raw.decode(errors="replace").rstrip("\n")
        try:
            event = json.loads(line)
        except ValueError:
            event = {"event": "text", "text": line}
        event["t"] = round(t, 3)
        sink.write(json.dumps(event) + "\n")
_, status, usage = os.wait4(process.pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
print(f"{wall:.3f} {usage.ru_utime + usage.ru_stime:.3f}")
sys.exit(code)
PY
}

boots=() installs=() install_cpu=() noops=() noop_cpu=() mem_idle=() mem_installed=() node_cpu=() all_cpu=()
for run in $(seq 1 "$RUNS"); do
  "$ROOT/scripts/testnodes" down --name "$PREFIX" >/dev/null 2>&1 || true
  before=$(mem_used_mib)
  log "run $run: booting $N nspawn nodes (load $(cut -d' ' -f1-3 /proc/loadavg), memory in use $before MiB)"
  t0=$(now)
  "$ROOT/scripts/testnodes" up --nodes "$N" --name "$PREFIX" --kind nspawn >"$WORK/up.log" 2>&1 \
    || { grep -v '^ ' "$WORK/up.log" | tail -10 >&2; exit 1; }
  boots+=("$(since "$t0")")
  sleep 2   # let the nodes' own start-up settle before the install is timed
  mem_idle+=("$(( $(mem_used_mib) - before ))")
  nodes_json=$(tail -1 "$WORK/up.log")
  rm -rf "$WORK/cluster"; mkdir -p "$WORK/cluster"
  inventory=$WORK/cluster/cluster.yaml
  "$ROOT/bench/fleet-inventory.sh" "$nodes_json" "$WORK/artifacts" install "$CP" >"$inventory"
  workers=""
  [[ -n $BATCH ]] && workers="batchSize: $BATCH"
  [[ -n $NEWBATCH ]] && workers="${workers:+$workers, }newHostBatchSize: $NEWBATCH"
  if [[ -n $workers ]]; then   # under spec:, before ssh:
    sed -i "s|^  ssh: |  rollout: { workers: { $workers } }\n  ssh: |" "$inventory"
  fi

  log "run $run: booted in ${boots[-1]} s; k8sctl apply (load $(cut -d' ' -f1-3 /proc/loadavg))"
  load_install=$(cut -d' ' -f1 /proc/loadavg)
  n0=$(nodes_cpu) m0=$(machine_cpu); units_cpu >"$WORK/units-before.json"
  if ! figures=$(timed_apply "$inventory" "$WORK/install.jsonl"); then
    log "the install failed:"; grep -v '"event": "step".*"status": "ok"' "$WORK/install.jsonl" | tail -30 >&2
    [[ -z $KEEP ]] || { mkdir -p "$KEEP"; cp "$WORK/install.jsonl" "$KEEP/"; }
    exit 1
  fi
  read -r wall cpu <<<"$figures"; installs+=("$wall"); install_cpu+=("$cpu")
  node_cpu+=("$(echo "$(nodes_cpu) - $n0" | bc)") all_cpu+=("$(echo "$(machine_cpu) - $m0" | bc)")
  units_cpu >"$WORK/units-after.json"
  mem_installed+=("$(( $(mem_used_mib) - before ))")
  log "run $run: install ${wall} s (k8sctl CPU ${cpu} s, the nodes' CPU ${node_cpu[-1]} s, all the machine's ${all_cpu[-1]} s); no-op re-apply"
  figures=$(timed_apply "$inventory" "$WORK/noop.jsonl") || { tail -20 "$WORK/noop.jsonl" >&2; exit 1; }
  read -r wall cpu <<<"$figures"; noops+=("$wall"); noop_cpu+=("$cpu")
  python3 -c 'import json,sys
f=[json.loads(l) for l in open(sys.argv[1]) if "\"finished\"" in l][-1]
changed=sum(h["changed"] for h in f["hosts"]); sys.exit(0 if f["succeeded"] and changed==0 else 1)' "$WORK/noop.jsonl" \
    || { log "the re-apply changed something or failed:"; tail -3 "$WORK/noop.jsonl" >&2; exit 1; }
  log "run $run: no-op ${wall} s (k8sctl CPU ${cpu} s)"
  [[ -z $KEEP ]] || { mkdir -p "$KEEP"; cp "$WORK/install.jsonl" "$KEEP/install-$run.jsonl"; cp "$WORK/noop.jsonl" "$KEEP/noop-$run.jsonl"; }
  "$ROOT/scripts/testnodes" down --name "$PREFIX" >/dev/null 2>&1 || true
done

echo
echo "Fresh install, $N systemd-nspawn nodes ($CP control-plane/etcd + $((N - CP)) workers), services started,"
echo "new workers in batches of ${NEWBATCH:-100% (the default newHostBatchSize)}${BATCH:+ (batchSize $BATCH)}, --parallelism ${PARALLELISM:-64 (the default)};"
echo "release build; seconds, medians of $RUNS run(s); $(nproc) cores; load average at the last install's start: $load_install, at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)."
echo "Real: systemd, sshd, etcd/etcdctl, TLS. Stand-ins (test support): kube-apiserver, kubelet, containerd."
echo
echo "| nodes | boot (not timed in install) | install wall | install CPU: k8sctl · the nodes · whole machine | no-op re-apply wall | no-op k8sctl CPU | memory: idle nodes / installed |"
echo "|---|---|---|---|---|---|---|"
printf '| %s | %.1f s | **%.1f s** | %.1f s · %.1f s · %.1f s | %.2f s | %.2f s | %s MiB / %s MiB |\n' "$N" "$(median "${boots[@]}")" \
  "$(median "${installs[@]}")" "$(median "${install_cpu[@]}")" "$(median "${node_cpu[@]}")" "$(median "${all_cpu[@]}")" \
  "$(median "${noops[@]}")" "$(median "${noop_cpu[@]}")" \
  "$(median "${mem_idle[@]}")" "$(median "${mem_installed[@]}")"
echo
echo "Where the last install's time went (from its --output json stream; phases and batches by the"
echo "arrival time of their events, steps as reported by k8sctl, summed over hosts):"
python3 "$ROOT/bench/apply-timeline.py" "$WORK/install.jsonl"
echo
echo "The nodes' CPU during the last install, by unit (summed over the $N nodes; ssh.service holds"
echo "every command k8sctl ran, with its shell and the processes it started):"
python3 - "$WORK/units-before.json" "$WORK/units-after.json" <<'PY'
import json, sys
before, after = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
rows = sorted(((after[k] - before.get(k, 0), k) for k in after), reverse=True)
total = sum(r[0] for r in rows)
print("\n| unit | CPU s | share |\n|---|---:|---:|")
for seconds, name in rows:
    if seconds >= 0.05 * total / 10:
        print(f"| {name} | {seconds:.1f} | {100 * seconds / total:.0f} % |")
print(f"| **all** | **{total:.1f}** | |")
PY
echo
echo "The no-op re-apply:"
python3 "$ROOT/bench/apply-timeline.py" --phases-only "$WORK/noop.jsonl"
