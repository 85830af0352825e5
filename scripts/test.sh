#!/usr/bin/env bash
# Runs every test of Switchboard on this machine, from a fresh clone (Debian-like, root, package registries only):
#   1. installs what is missing (etcd-server, etcd-client, prometheus, docker.io; a JDK/Maven if absent)
#   2. starts dockerd if no Docker engine answers (host networking only, vfs storage)
#   3. builds the local images the tests use (scripts/images.sh; skipped when inputs are unchanged)
#   4. mvn -B verify (unit tests, then integration tests against real etcd/ZooKeeper in containers)
#   5. stops what it started (dockerd, leftover test containers), also on failure or Ctrl-C
# Extra arguments go to Maven, e.g. ./scripts/test.sh -pl it-tests/testkit -am
# SWITCHBOARD_TESTKIT=local runs etcd/ZooKeeper as local processes and skips Docker (see docs/testing.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SB_ROOT"

T0=$SECONDS
PHASES=()
phase_start=$SECONDS
CURRENT=install
# phase_done NEXT: records the running phase's duration and names the next one
phase_done() { PHASES+=("$CURRENT $((SECONDS - phase_start)) s"); CURRENT=$1; phase_start=$SECONDS; }

summary() {
  local rc=$?
  trap - EXIT INT TERM
  ((rc == 0)) || CURRENT="$CURRENT (failed)"
  phase_done cleanup
  stop_what_we_started || true
  phase_done end
  local joined
  joined=$(printf '%s, ' "${PHASES[@]}")
  log "phases: ${joined%, }"
  if ((rc == 0)); then
    log "ALL TESTS PASSED; total duration $((SECONDS - T0)) s"
  else
    log "FAILED (exit $rc); total duration $((SECONDS - T0)) s"
  fi
  exit "$rc"
}
trap summary EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

MODE="${SWITCHBOARD_TESTKIT:-docker}"
log "Switchboard tests; test kit mode: $MODE; work dir: $SB_WORK"

# prometheus: its server and promtool check the shipped dashboard and alerting rules (DashboardAndAlertsIT)
packages=(etcd-server etcd-client prometheus)
# the fleet console's browser test (it-tests/deploy-it ConsoleBrowserIT) drives a headless chromium
packages+=(chromium)
[[ "$MODE" == local ]] || packages+=(docker.io)
command -v jlink >/dev/null && command -v javac >/dev/null || packages+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || packages+=(maven)
ensure_packages "${packages[@]}"
phase_done docker

if [[ "$MODE" != local ]]; then
  ensure_dockerd
  [[ -z "$SB_STARTED_DOCKERD" ]] || remove_test_containers
  phase_done images
  ./scripts/images.sh all
fi
phase_done "maven verify"

log "mvn -B -fae verify $*"
mvn -B -fae -Dstyle.color=never verify "$@"
