#!/bin/sh
# Measures the floor of touching hosts over SSH on this machine: OpenSSH `ssh true` (fresh
# connections, default and curve25519 kex, and over a ControlMaster), then k8sctl's libssh2
# transport through TransportFloorBenchmark. Prints figures; asserts nothing.
# Usage: bench/ssh-floor.sh [HOSTS]   (default 50; root, loopback only)
#        bench/ssh-floor.sh --nodes NODES_JSON [--sha256 LISTS_DIR]
#   The second form measures the floor of a scripts/testnodes group (bench/fleet.sh uses it): every
#   node reached in parallel by a fresh OpenSSH connection (curve25519, the key exchange k8sctl's
#   libssh2 negotiates) running one command — `true`, or with --sha256 `sha256sum` of the paths
#   listed one per line in LISTS_DIR/<node>. Prints the wall seconds only.
set -eu
if [ "${1:-}" = "--nodes" ]; then
  NODES_JSON=$2; LISTS=${4:-}
  CONFIG=$(dirname "$NODES_JSON")/ssh_config
  NAMES=$(python3 -c 'import json,sys; print(" ".join(n["name"] for n in json.load(open(sys.argv[1]))["nodes"]))' "$NODES_JSON")
  t0=$(date +%s.%N)
  for node in $NAMES; do
    if [ -n "$LISTS" ]; then
      # shellcheck disable=SC2046 # the managed paths have no spaces; one word each
      ssh -F "$CONFIG" -o BatchMode=yes -o KexAlgorithms=curve25519-sha256 "$node" sha256sum -- $(cat "$LISTS/$node") >/dev/null &
    else
      ssh -F "$CONFIG" -o BatchMode=yes -o KexAlgorithms=curve25519-sha256 "$node" true &
    fi
  done
  wait
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
  exit 0
fi
HOSTS=${1:-50}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d /tmp/k8sctl-bench-XXXXXX)
cleanup() { [ -f "$DIR/pid" ] && kill "$(cat "$DIR/pid")" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N "" -f "$DIR/host_key"
ssh-keygen -q -t ed25519 -N "" -f "$DIR/id"
cp "$DIR/id.pub" "$DIR/authorized_keys"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$DIR/sshd_config" <<CFG
Port $PORT
ListenAddress 127.0.0.1
HostKey $DIR/host_key
AuthorizedKeysFile $DIR/authorized_keys
PidFile $DIR/pid
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
MaxStartups 500
MaxSessions 500
CFG
setsid /usr/sbin/sshd -f "$DIR/sshd_config"
sleep 0.3
OPTS="-p $PORT -i $DIR/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

t0=$(now); ssh $OPTS 127.0.0.1 true; t1=$(now)
echo "[bench] one fresh 'ssh true' (default kex):          $(elapsed "$t0" "$t1") s"
t0=$(now); ssh $OPTS -o KexAlgorithms=curve25519-sha256 127.0.0.1 true; t1=$(now)
echo "[bench] one fresh 'ssh true' (curve25519-sha256):    $(elapsed "$t0" "$t1") s"

t0=$(now)
i=0; while [ $i -lt "$HOSTS" ]; do ssh $OPTS 127.0.0.1 true & i=$((i+1)); done; wait
t1=$(now)
echo "[bench] $HOSTS parallel fresh 'ssh true' (default kex):  $(elapsed "$t0" "$t1") s"
t0=$(now)
i=0; while [ $i -lt "$HOSTS" ]; do ssh $OPTS -o KexAlgorithms=curve25519-sha256 127.0.0.1 true & i=$((i+1)); done; wait
t1=$(now)
echo "[bench] $HOSTS parallel fresh 'ssh true' (curve25519):   $(elapsed "$t0" "$t1") s"

i=0; while [ $i -lt "$HOSTS" ]; do
  ssh $OPTS -o ControlMaster=yes -o ControlPersist=60 -o ControlPath="$DIR/c$i" -f -N 127.0.0.1; i=$((i+1))
done
t0=$(now)
i=0; while [ $i -lt "$HOSTS" ]; do ssh $OPTS -o ControlPath="$DIR/c$i" 127.0.0.1 true & i=$((i+1)); done; wait
t1=$(now)
echo "[bench] $HOSTS parallel 'ssh true' over ControlMaster:   $(elapsed "$t0" "$t1") s"
i=0; while [ $i -lt "$HOSTS" ]; do ssh $OPTS -o ControlPath="$DIR/c$i" -O exit 127.0.0.1 2>/dev/null; i=$((i+1)); done

cd "$ROOT"
K8SCTL_BENCH=1 K8SCTL_BENCH_HOSTS=$HOSTS swift test --filter TransportFloorBenchmark 2>&1 | grep '\[bench\]'
