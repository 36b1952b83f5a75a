# Shared helpers for the scripts in this folder. Sourced, never run.
# shellcheck shell=bash

KM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Reusable, expensive artefacts (Kubernetes binaries, images) live outside the repo, keyed by version.
KM_CACHE=${KUBEMIGRATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubemigrate}
# Running state (certs, etcd data, logs, PIDs) of the local cluster; `down` removes the processes, not this.
KM_STATE=${KUBEMIGRATE_STATE:-/var/tmp/kubemigrate-cluster}

K8S_VERSION=1.20.2
K8S_BIN="$KM_CACHE/kubernetes-v$K8S_VERSION/bin"

# The pod network. The host's address on the bridge is the one address pods use to reach the host
# (API server, PostgreSQL): see shared/LOCAL-CLUSTER.md, "Networking rules here".
KM_BRIDGE=kmbr0
KM_POD_CIDR=10.217.0.0/16
KM_HOST_IP=10.217.0.1
KM_SERVICE_CIDR=10.0.0.0/24
KM_SERVICE_IP=10.0.0.1

# Non-default ports, so that a user's own cluster (or a second one) can coexist.
KM_ETCD_PORT=23791
KM_ETCD_PEER_PORT=23801
KM_APISERVER_PORT=16443
KM_KUBELET_PORT=11250
KM_KUBELET_HEALTHZ_PORT=11248
KM_CM_PORT=11257
KM_SCHED_PORT=11259
KM_PROXY_HEALTHZ_PORT=11256
KM_PROXY_METRICS_PORT=11249
KM_NODE=kubemigrate-node
# The local image registry (the CNCF distribution registry, htpasswd auth, plain HTTP) on the bridge:
# containerd pulls from it as a production node pulls from a private registry.
KM_REGISTRY_PORT=15000
KM_REGISTRY="$KM_HOST_IP:$KM_REGISTRY_PORT"
KM_REGISTRY_USER=kubemigrate

# Images are built locally and never pulled: a registry name that cannot exist on the internet.
KM_IMAGE_PREFIX=kubemigrate.local

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages that are missing; one apt-get update at most.
apt_install() {
  local missing=()
  local p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing from apt: ${missing[*]}"
  local out
  out=$(mktemp)
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    die "apt-get could not install: ${missing[*]}"
  fi
  rm -f "$out"
}

# Waits until the command succeeds, up to $1 seconds.
wait_for() {
  local timeout=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "timed out after ${timeout}s waiting for $what"
    sleep 0.2
  done
}
