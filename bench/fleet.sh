#!/usr/bin/env bash
# Fleet apply benchmark: k8sctl against the physical floor of SSH and against Ansible, on N light
# test nodes (network namespace + sshd each, no systemd; scripts/testnodes --kind light).
#
#   bench/fleet.sh [--nodes "10 50 100"] [--runs 3] [--ansible-runs 1] [--ansible-max 50]
#                  [--no-ansible] [--control-planes 3]
#
# For each N, in the same run (medians of RUNS runs; Ansible ANSIBLE_RUNS runs, skipped above
# --ansible-max nodes because one 100-node run takes many minutes on 2 cores):
#   floor         every node reached in parallel by a fresh OpenSSH connection running `true`
#                 (bench/ssh-floor.sh --nodes)
#   floor+sha256  the same, running sha256sum of the node's managed paths (rendered files, binaries)
#   floor+copy    the same, receiving the node's files and binaries (one tar) into cat > /dev/null:
#                 the bytes a fresh apply has to move
#   k8sctl fresh  `k8sctl apply --files-only` after wiping the nodes' managed files, the applied
#                 state and the local PKI store (so certificates are issued too; ECDSA P-256)
#   k8sctl no-op  the same command again
#   Ansible       a playbook (forks = N, pipelining, ControlPersist, host keys checked against the
#                 nodes' known_hosts, no fact gathering) that creates the directories, copies the same
#                 files with `copy` (from `k8sctl render --out` and the same binaries) with their modes,
#                 and checks the same units; fresh after a wipe, and again (no-op).
# Prints a markdown table. Uses a release build of k8sctl (built if missing). Root only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
NODES="10 50 100" RUNS=3 ANSIBLE_RUNS=1 ANSIBLE_MAX=50 CP=3 ANSIBLE=yes
while (($#)); do
  case $1 in
    --nodes) NODES=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --ansible-runs) ANSIBLE_RUNS=$2; shift 2 ;;
    --ansible-max) ANSIBLE_MAX=$2; shift 2 ;;
    --no-ansible) ANSIBLE=no; shift ;;
    --control-planes) CP=$2; shift 2 ;;
    *) echo "usage: bench/fleet.sh [--nodes \"10 50 100\"] [--runs N] [--ansible-runs N] [--ansible-max N] [--no-ansible] [--control-planes N]" >&2; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "bench/fleet.sh: needs root (test nodes)" >&2; exit 2; }
own_test_nodes fb fleet
log() { echo "[fleet] $*" >&2; }

if [[ ! -x $ROOT/.build/release/k8sctl ]]; then
  log "building k8sctl (release)"
  (cd "$ROOT" && swift build -c release --product k8sctl >&2)
fi
K8SCTL=$ROOT/.build/release/k8sctl
export K8SCTL_TEMPLATES=$ROOT/templates K8SCTL_PLAYBOOKS=$ROOT/playbooks
if [[ $ANSIBLE == yes ]] && ! command -v ansible-playbook >/dev/null; then
  log "installing ansible-core from PyPI"
  python3 -m pip install --quiet ansible-core >&2
fi

ratio() { if [[ $1 == - || $2 == - ]]; then echo "-"; else printf '%.1f' "$(echo "scale=3; $1 / $2" | bc)"; fi; }
fmt() { if [[ $1 == - ]]; then echo "-"; else printf '%.2f' "$1"; fi; }

"$ROOT/scripts/test-artifacts" "$WORK/artifacts" 1.31.4 >/dev/null
BINARIES="/usr/local/bin/etcd /usr/local/bin/etcdctl /usr/local/bin/kubelet /usr/local/bin/containerd /usr/local/sbin/runc"

# The floor of a fresh apply: every node reached in parallel by a fresh OpenSSH connection that
# receives the node's files (rendered tree and binaries, one tar) into `cat > /dev/null`.
copy_floor() {
  local config=$1 node t0
  t0=$(now)
  for node in $NAMES; do
    ssh -F "$config" -o BatchMode=yes -o KexAlgorithms=curve25519-sha256 "$node" 'cat > /dev/null' <"$WORK/tars/$node.tar" &
  done
  wait
  since "$t0"
}

# Removes everything an apply writes on every node (one ssh each, in parallel; not timed).
wipe_nodes() {
  local config=$1 node
  for node in $NAMES; do
    ssh -F "$config" -o BatchMode=yes "$node" "rm -rf /etc/kubernetes /etc/etcd /var/lib/kubelet /var/lib/k8sctl /etc/containerd \
      /etc/systemd/system/kubelet.service.d $(cat "$WORK/lists/$node" | tr '\n' ' ') $BINARIES" &
  done
  wait
}

# Ansible: inventory, config and a playbook generated from the rendered trees.
write_ansible() {
  local nodes_json=$1 n=$2
  mkdir -p "$WORK/ansible/host_vars" "$WORK/ansible/cp"
  python3 - "$nodes_json" "$WORK/render" "$WORK/artifacts" "$WORK/ansible" "$CP" <<'PY'
import json, os, sys
nodes_json, render, artifacts, out, cp = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
group = json.load(open(nodes_json))
binaries = {"etcd": "/usr/local/bin/etcd", "etcdctl": "/usr/local/bin/etcdctl", "kubelet": "/usr/local/bin/kubelet",
            "containerd": "/usr/local/bin/containerd", "runc": "/usr/local/sbin/runc"}
def artifact(component):
    directory = os.path.join(artifacts, component)
    version = sorted(os.listdir(directory))[0]
    return os.path.join(directory, version, component)
lines = ["[nodes]"]
for index, node in enumerate(group["nodes"]):
    lines.append(f"{node['name']} ansible_host={node['address']}")
    files, dirs = [], {}
    root = os.path.join(render, node["name"])
    for base, _, names in os.walk(root):
        for name in names:
            source = os.path.join(base, name)
            dest = source[len(root):]
            files.append({"src": source, "dest": dest, "mode": "0%o" % (os.stat(source).st_mode & 0o7777)})
    components = ["kubelet", "containerd", "runc"] + (["etcd", "etcdctl"] if index < cp else [])
    for component in components:
        files.append({"src": artifact(component), "dest": binaries[component], "mode": "0755"})
    for f in files:
        d = os.path.dirname(f["dest"])
        dirs[d] = "0700" if "/pki" in d else "0755"
    units = ["containerd.service", "kubelet.service"] + (["etcd.service"] if index < cp else [])
    json.dump({"k8s_files": sorted(files, key=lambda f: f["dest"]),
               "k8s_dirs": [{"path": d, "mode": m} for d, m in sorted(dirs.items())],
               "k8s_units": units}, open(os.path.join(out, "host_vars", node["name"] + ".yaml"), "w"), indent=1)
lines += ["", "[nodes:vars]", "ansible_user=root", f"ansible_ssh_private_key_file={group['identityFile']}",
          f"ansible_ssh_common_args='-o UserKnownHostsFile={group['knownHostsFile']} -o StrictHostKeyChecking=yes'",
          "ansible_python_interpreter=/usr/bin/python3"]
open(os.path.join(out, "inventory.ini"), "w").write("\n".join(lines) + "\n")
PY
  cat >"$WORK/ansible/ansible.cfg" <<CFG
[defaults]
forks = $n
host_key_checking = True
gathering = explicit
inventory = $WORK/ansible/inventory.ini
retry_files_enabled = False
[ssh_connection]
pipelining = True
ssh_args = -o ControlMaster=auto -o ControlPersist=120s -o KexAlgorithms=curve25519-sha256
control_path_dir = $WORK/ansible/cp
CFG
  cat >"$WORK/ansible/playbook.yaml" <<'YAML'
# What Kubespray does for these files: directories, each file copied with its mode, units checked.
- hosts: nodes
  gather_facts: false
  tasks:
    - name: directories
      ansible.builtin.file: { path: "{{ item.path }}", state: directory, mode: "{{ item.mode }}" }
      loop: "{{ k8s_dirs }}"
    - name: files (certificates, manifests, units, configs, binaries)
      ansible.builtin.copy: { src: "{{ item.src }}", dest: "{{ item.dest }}", mode: "{{ item.mode }}", owner: root, group: root }
      loop: "{{ k8s_files }}"
    - name: units
      ansible.builtin.command: systemctl is-active {{ item }}
      loop: "{{ k8s_units }}"
      register: unit_state
      changed_when: false
      failed_when: false
YAML
}

ROWS=()
for N in $NODES; do
  log "N=$N: starting $N light nodes"
  "$ROOT/scripts/testnodes" down --name "$PREFIX" >/dev/null 2>&1 || true
  # A loaded machine sometimes loses the race for a bridge slot or the boot deadline: one retry.
  if ! "$ROOT/scripts/testnodes" up --nodes "$N" --name "$PREFIX" --kind light >"$WORK/up.log" 2>&1; then
    log "testnodes up failed (retrying once):"; grep -v '^ ' "$WORK/up.log" | tail -5 >&2
    "$ROOT/scripts/testnodes" down --name "$PREFIX" >/dev/null 2>&1 || true
    "$ROOT/scripts/testnodes" up --nodes "$N" --name "$PREFIX" --kind light >"$WORK/up.log" 2>&1 \
      || { grep -v '^ ' "$WORK/up.log" | tail -10 >&2; exit 1; }
  fi
  nodes_json=$(tail -1 "$WORK/up.log")
  config=$(dirname "$nodes_json")/ssh_config
  NAMES=$(python3 -c 'import json,sys; print(" ".join(n["name"] for n in json.load(open(sys.argv[1]))["nodes"]))' "$nodes_json")
  rm -rf "$WORK/cluster" "$WORK/render" "$WORK/lists" "$WORK/sums" "$WORK/ansible"
  mkdir -p "$WORK/cluster" "$WORK/lists"
  inventory=$WORK/cluster/cluster.yaml
  "$ROOT/bench/fleet-inventory.sh" "$nodes_json" "$WORK/artifacts" fleet "$CP" >"$inventory"
  "$K8SCTL" render "$inventory" --out "$WORK/render" >/dev/null
  files=0 index=0
  mkdir -p "$WORK/sums"
  for node in $NAMES; do
    (cd "$WORK/render/$node" && find . -type f | sed 's|^\.||') >"$WORK/lists/$node"
    files=$((files + $(wc -l <"$WORK/lists/$node")))
    # The floor+sha256 hashes what k8sctl's facts hash: the rendered files and the node's binaries.
    { cat "$WORK/lists/$node"; printf '%s\n' /usr/local/bin/kubelet /usr/local/bin/containerd /usr/local/sbin/runc
      if ((index < CP)); then printf '%s\n' /usr/local/bin/etcd /usr/local/bin/etcdctl; fi; } >"$WORK/sums/$node"
    index=$((index + 1))
  done
  files=$((files + 5 * CP + 3 * (N - CP)))   # binaries: etcd, etcdctl on control planes; kubelet, containerd, runc everywhere
  wipe_nodes "$config"

  floor=() floorsum=() floorcopy=() fresh=() noop=() afresh=() anoop=()
  # The bytes a fresh apply moves: each node's rendered tree and binaries as one tar, made once.
  mkdir -p "$WORK/tars"
  for node in $NAMES; do
    tar -cf "$WORK/tars/$node.tar" -C "$WORK/render/$node" . -P $(sed -n '/^\/usr\/local/p' "$WORK/sums/$node" | while read -r b; do
      c=${b##*/}; v=$(ls "$WORK/artifacts/$c"); echo "$WORK/artifacts/$c/$v/$c"; done)
  done
  for run in $(seq 1 "$RUNS"); do
    floor+=("$("$ROOT/bench/ssh-floor.sh" --nodes "$nodes_json")")
    wipe_nodes "$config"; rm -rf "$WORK/cluster/.k8sctl"
    t0=$(now); "$K8SCTL" apply "$inventory" --files-only >"$WORK/fresh.log" 2>&1 || { cat "$WORK/fresh.log" >&2; exit 1; }; fresh+=("$(since "$t0")")
    t0=$(now); "$K8SCTL" apply "$inventory" --files-only >"$WORK/noop.log" 2>&1 || { cat "$WORK/noop.log" >&2; exit 1; }; noop+=("$(since "$t0")")
    grep -q ' 0 changed' "$WORK/noop.log" || { log "the re-apply changed something:"; tail -3 "$WORK/noop.log" >&2; exit 1; }
    floorsum+=("$("$ROOT/bench/ssh-floor.sh" --nodes "$nodes_json" --sha256 "$WORK/sums")")
    floorcopy+=("$(copy_floor "$config")")
    log "N=$N run $run (load $(cut -d' ' -f1-3 /proc/loadavg)): floor ${floor[-1]} s, floor+sha256 ${floorsum[-1]} s, floor+copy ${floorcopy[-1]} s, k8sctl fresh ${fresh[-1]} s, no-op ${noop[-1]} s"
  done
  if [[ $ANSIBLE == yes && $N -le $ANSIBLE_MAX ]]; then
    write_ansible "$nodes_json" "$N"
    for run in $(seq 1 "$ANSIBLE_RUNS"); do
      wipe_nodes "$config"
      t0=$(now); ANSIBLE_CONFIG=$WORK/ansible/ansible.cfg ansible-playbook "$WORK/ansible/playbook.yaml" >"$WORK/ansible.log" 2>&1 \
        || { tail -30 "$WORK/ansible.log" >&2; exit 1; }; afresh+=("$(since "$t0")")
      log "N=$N Ansible run $run: fresh ${afresh[-1]} s (load $(cut -d' ' -f1-3 /proc/loadavg))"
      t0=$(now); ANSIBLE_CONFIG=$WORK/ansible/ansible.cfg ansible-playbook "$WORK/ansible/playbook.yaml" >"$WORK/ansible.log" 2>&1 \
        || { tail -30 "$WORK/ansible.log" >&2; exit 1; }; anoop+=("$(since "$t0")")
      grep -q 'changed=0' "$WORK/ansible.log" || log "warning: the Ansible re-run reported changes"
      log "N=$N Ansible run $run: fresh ${afresh[-1]} s, no-op ${anoop[-1]} s (load $(cut -d' ' -f1-3 /proc/loadavg))"
    done
  fi
  mf=$(median "${floor[@]}") ms=$(median "${floorsum[@]}") mc=$(median "${floorcopy[@]}") mk=$(median "${fresh[@]}") mn=$(median "${noop[@]}")
  ma=$(median "${afresh[@]+"${afresh[@]}"}") man=$(median "${anoop[@]+"${anoop[@]}"}")
  ROWS+=("| $N | $files | $(fmt "$mf") | $(fmt "$ms") | $(fmt "$mc") | $(fmt "$mk") | $(fmt "$mn") | $(ratio "$mk" "$mf")× | $(ratio "$mk" "$mc")× | $(ratio "$mn" "$mf")× | $(fmt "$ma") | $(fmt "$man") | $(ratio "$ma" "$mk")× | $(ratio "$man" "$mn")× |")
  "$ROOT/scripts/testnodes" down --name "$PREFIX" >/dev/null 2>&1 || true
done

echo
echo "Fleet apply, light test nodes, $CP control-plane/etcd + workers; seconds, medians of $RUNS runs (Ansible: $ANSIBLE_RUNS)."
echo "$(nproc) cores, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)."
echo
echo "| N | files | floor | floor+sha256 | floor+copy | k8sctl fresh | k8sctl no-op | fresh/floor | fresh/floor+copy | no-op/floor | Ansible fresh | Ansible no-op | Ansible/k8sctl fresh | Ansible/k8sctl no-op |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
