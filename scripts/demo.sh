#!/usr/bin/env bash
# The README's first command: builds dist/ when it is missing or older than the sources,
# installs etcd when it is missing (as root, from Debian's etcd-server), then runs
# `bin/switchboard demo` (a local stack on 127.0.0.1 with a visible flip; Ctrl-C stops it all).
# Arguments are passed to `switchboard demo` (see `bin/switchboard demo --help`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf '[demo.sh] %s\n' "$*" >&2; }

needed=(dist/switchboard.jar dist/switchboard-runtime.jar dist/sample-host.jar dist/plugins/response-header-1.0.0.jar)
stale=""
for f in "${needed[@]}"; do
  [[ -f "$f" ]] || { stale="$f is missing"; break; }
done
if [[ -z "$stale" ]]; then
  # any pom or main source of a module that feeds dist/ newer than the CLI jar
  newer="$(find plugin-api agent bridge sample-plugins pom.xml \
      \( -path '*/target' -o -path 'sample-plugins/plugin-template' -o -path 'sample-plugins/service-plugin-template' \) -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer dist/switchboard.jar -print 2>/dev/null | head -1)"
  [[ -n "$newer" ]] && stale="$newer is newer than dist/switchboard.jar"
fi
if [[ -n "$stale" ]]; then
  command -v mvn >/dev/null || { say "Maven (mvn) is needed to build dist/ ($stale): install Maven 3.8+ and a JDK 17+"; exit 1; }
  say "building dist/ ($stale): mvn -q -DskipTests package"
  t0=$SECONDS
  ${MVN:-mvn} -q -DskipTests package
  say "built in $((SECONDS - t0)) s"
fi

etcd_bin="${SWITCHBOARD_DEMO_ETCD:-etcd}"
if ! command -v "$etcd_bin" >/dev/null 2>&1; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "etcd is missing: apt-get install -y etcd-server"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends etcd-server >/dev/null \
      || { say "apt-get install etcd-server failed; install etcd yourself (https://github.com/etcd-io/etcd/releases)"; exit 1; }
  else
    say "etcd is missing and cannot be installed here (needs root and apt-get)."
    say "Install it (Debian/Ubuntu: sudo apt-get install -y etcd-server; elsewhere: https://github.com/etcd-io/etcd/releases)"
    say "or point SWITCHBOARD_DEMO_ETCD at the binary."
    exit 1
  fi
fi

exec "$root/bin/switchboard" demo --etcd-binary "$(command -v "$etcd_bin")" "$@"
