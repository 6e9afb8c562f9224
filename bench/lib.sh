# Sourced by the bench scripts: the release k8sctl they time. Sets K8SCTL; builds first unless
# SKIP_BUILD=1 (bench/run builds once and sets it). Needs ROOT. Usage: release_k8sctl SCRIPT_NAME
release_k8sctl() {
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "[bench] swift build -c release --product k8sctl" >&2
    (cd "$ROOT" && swift build -c release --product k8sctl >&2)
  fi
  K8SCTL="$ROOT/.build/release/k8sctl"
  [ -x "$K8SCTL" ] || { echo "$1: $K8SCTL missing (run without SKIP_BUILD)" >&2; exit 2; }
}
