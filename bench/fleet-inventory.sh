#!/bin/sh
# Writes a k8sctl inventory for a group of test nodes (scripts/testnodes): the first CP nodes are
# control-plane + etcd, the rest workers; ECDSA keys; artifacts from ARTIFACTS with their pins.
# Usage: bench/fleet-inventory.sh NODES_JSON ARTIFACTS_DIR NAME [CP]   (prints the inventory)
set -eu
nodes_json=$1 artifacts=$2 name=$3 cp=${4:-3}
python3 - "$nodes_json" "$artifacts" "$name" "$cp" <<'PY'
import json, os, sys
nodes_json, artifacts, name, cp = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
group = json.load(open(nodes_json))
pins = {}
for line in open(os.path.join(artifacts, "SHA256SUMS")):
    digest, path = line.split()
    component, version, _ = path.split("/")
    pins.setdefault(component, {})[version] = digest
etcd_version = next(iter(pins["etcd"]))
print(f"""apiVersion: k8sctl.dev/v1
kind: Cluster
metadata: {{ name: {name} }}
spec:
  kubernetes: {{ version: 1.31.4 }}
  etcd: {{ version: {etcd_version} }}
  pki: {{ keyAlgorithm: ecdsa-p256 }}
  artifacts:
    source: {artifacts}
    sha256:""")
for component, versions in sorted(pins.items()):
    for version, digest in versions.items():
        print(f'      {component}: {{ "{version}": {digest} }}')
print(f"""  ssh: {{ user: root, identityFile: {group['identityFile']}, knownHosts: {group['knownHostsFile']} }}
  hosts:""")
for index, node in enumerate(group["nodes"]):
    roles = "[control-plane, etcd]" if index < cp else "[worker]"
    print(f"    - {{ name: {node['name']}, address: {node['address']}, roles: {roles} }}")
PY
