# Shared helpers for scripts/*.sh (sourced, not run).
# shellcheck shell=bash

SB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SB_WORK="${SWITCHBOARD_WORK:-$SB_ROOT/.work}"
mkdir -p "$SB_WORK"

# Testcontainers settings that work with the Docker 20.10 engine of Debian 12 and host networking.
export DOCKER_API_VERSION="${DOCKER_API_VERSION:-1.41}"
export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}"
export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Installs the Debian packages that are missing; runs apt-get update only when something must be installed.
ensure_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || die "missing packages ${missing[*]}; install them as root: apt-get install -y ${missing[*]}"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$SB_WORK/apt.log" 2>&1 || { tail -20 "$SB_WORK/apt.log" >&2; die "apt-get update failed"; }
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$SB_WORK/apt.log" 2>&1 \
    || { tail -20 "$SB_WORK/apt.log" >&2; die "apt-get install ${missing[*]} failed"; }
}

docker_answers() { timeout 20 docker info >/dev/null 2>&1; }

SB_STARTED_DOCKERD=""
# Starts dockerd in the background (host networking only, vfs storage) unless an engine already answers.
ensure_dockerd() {
  if docker_answers; then
    log "using the Docker engine that already answers"
    return 0
  fi
  command -v dockerd >/dev/null || die "dockerd not found (apt-get install docker.io)"
  local logfile="$SB_WORK/dockerd.log"
  log "starting dockerd (log: $logfile)"
  dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --pidfile "$SB_WORK/dockerd.pid" >"$logfile" 2>&1 &
  SB_STARTED_DOCKERD=$!
  local i
  for i in $(seq 1 120); do
    docker_answers && { log "dockerd answers after ${i}s"; return 0; }
    kill -0 "$SB_STARTED_DOCKERD" 2>/dev/null || { tail -30 "$logfile" >&2; die "dockerd exited"; }
    sleep 1
  done
  tail -30 "$logfile" >&2
  die "dockerd did not answer within 120 s"
}

# remove_test_containers: removes containers the test kit left behind (only call it on an engine we started:
# on a shared engine they may belong to someone else's running tests).
remove_test_containers() {
  local leftovers
  leftovers=$(docker ps -aq --filter label=dev.switchboard.testkit 2>/dev/null || true)
  if [[ -n "$leftovers" ]]; then
    log "removing leftover test containers: $(echo $leftovers)"
    docker rm -f $leftovers >/dev/null 2>&1 || true
  fi
}

# Stops dockerd if this script started it, removing leftover test containers first.
stop_what_we_started() {
  if [[ -n "$SB_STARTED_DOCKERD" ]] && docker_answers; then
    remove_test_containers
  fi
  if [[ -n "$SB_STARTED_DOCKERD" ]]; then
    log "stopping dockerd (pid $SB_STARTED_DOCKERD)"
    kill "$SB_STARTED_DOCKERD" 2>/dev/null || true
    local i
    for i in $(seq 1 30); do
      kill -0 "$SB_STARTED_DOCKERD" 2>/dev/null || break
      sleep 1
    done
    kill -9 "$SB_STARTED_DOCKERD" 2>/dev/null || true
    SB_STARTED_DOCKERD=""
  fi
}
