#!/bin/sh
# Issuing speed of the PKI for a 1,003-host cluster (3 control-plane, 1,000 workers), RSA-2048 and
# ECDSA P-256, in a release build. Prints figures; the test asserts nothing about time.
# Usage: bench/pki.sh   (from the repository root; the first release build takes a few minutes)
set -eu
cd "$(dirname "$0")/.."
K8SCTL_BENCH_PKI=1 swift test -c release -Xswiftc -enable-testing --filter PKIBenchmark 2>&1 \
  | grep -E "PKI bench|load average|first ensure|second ensure|in memory|passed|failed|error"
