#!/usr/bin/env bash
# Builds the local container images the integration tests use, without any registry:
#   switchboard-local/etcd:3.4          /usr/bin/etcd from Debian's etcd-server + the libraries ldd names
#   switchboard-local/jre:17            a jlink'ed JRE (attach, management, instrument, ...) + its libraries
#   switchboard-local/zookeeper:3.9.3   the JRE + ZooKeeper's jars (from the Maven build) running QuorumPeerMain
#   switchboard-local/jre:25            the same modules jlinked from a Temurin 25 JDK (JDK 25 hosts in the e2e tests);
#                                       skipped with a note when no JDK 25 is installed (SWITCHBOARD_JAVA25_HOME)
# Each image carries a label with the hash of its inputs; an image whose inputs did not change is not rebuilt.
# Needs: a Docker engine that answers, etcd-server, a JDK 17 with jlink, Maven. See docs/testing.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ETCD_IMAGE=switchboard-local/etcd:3.4
JRE_IMAGE=switchboard-local/jre:17
ZK_IMAGE=switchboard-local/zookeeper:3.9.3
JRE_MODULES="java.base,java.desktop,java.management,java.naming,java.security.jgss,java.security.sasl,jdk.management,jdk.unsupported,jdk.attach,java.instrument,jdk.jcmd,java.xml,java.logging,jdk.crypto.ec,java.net.http,jdk.net,jdk.httpserver,java.sql,jdk.zipfs"
ZK_ARTIFACTS="zookeeper,zookeeper-jute,audience-annotations,slf4j-api,slf4j-simple,metrics-core,commons-io,snappy-java"
LABEL=dev.switchboard.inputs
BUILD="$SB_WORK/images"
SCRIPT_HASH=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)

docker_answers || die "no Docker engine answers; ./scripts/test.sh starts one (or run dockerd yourself)"

current_label() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }

# copy_libs ROOTFS FILE...: copies every shared library ldd names for FILEs (and the loader) into ROOTFS.
copy_libs() {
  local rootfs=$1; shift
  local lib
  for lib in $(ldd "$@" 2>/dev/null | grep -oE '(/[^ ]+\.so[^ ]*)' | sort -u); do
    [[ -e "$lib" ]] || continue
    case "$lib" in "$rootfs"*) continue ;; esac
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}

# import ROOTFS IMAGE HASH CHANGES...: imports ROOTFS as IMAGE with the inputs label.
import_rootfs() {
  local rootfs=$1 image=$2 hash=$3; shift 3
  local changes=(--change "LABEL $LABEL=$hash")
  local c
  for c in "$@"; do changes+=(--change "$c"); done
  tar -C "$rootfs" -c . | docker import "${changes[@]}" - "$image" >/dev/null
  log "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))"
}

base_rootfs() {
  local rootfs=$1
  rm -rf "$rootfs"
  mkdir -p "$rootfs"/{tmp,etc,usr/bin,var/tmp}
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  printf 'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  printf 'hosts: files\n' >"$rootfs/etc/nsswitch.conf"
  printf '127.0.0.1 localhost\n::1 localhost\n' >"$rootfs/etc/hosts"
}

LIBPATH="LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/lib:/usr/lib"
case "$(uname -m)" in
  x86_64) ;;
  aarch64) LIBPATH="LD_LIBRARY_PATH=/lib/aarch64-linux-gnu:/usr/lib/aarch64-linux-gnu:/lib:/usr/lib" ;;
esac

build_etcd() {
  local etcd
  etcd=$(command -v etcd) || die "etcd not found (apt-get install etcd-server)"
  local hash
  hash=$(printf '%s %s' "$SCRIPT_HASH" "$(sha256sum "$etcd" | cut -c1-32)" | sha256sum | cut -c1-24)
  if [[ "$(current_label "$ETCD_IMAGE")" == "$hash" ]]; then
    log "$ETCD_IMAGE is up to date"
    return 0
  fi
  local rootfs="$BUILD/etcd-rootfs"
  base_rootfs "$rootfs"
  cp -L "$etcd" "$rootfs/usr/bin/etcd"
  copy_libs "$rootfs" "$etcd"
  mkdir -p "$rootfs/var/lib/etcd"
  local env_arch=()
  [[ "$(uname -m)" == x86_64 ]] || env_arch=("ENV ETCD_UNSUPPORTED_ARCH=$(dpkg --print-architecture)")
  import_rootfs "$rootfs" "$ETCD_IMAGE" "$hash" "ENV PATH=/usr/bin:/bin" "ENV $LIBPATH" \
    ${env_arch[@]+"${env_arch[@]}"} 'CMD ["etcd"]'
  rm -rf "$rootfs"
}

JRE_DIR="$BUILD/jre"
jre_hash() {
  local java_version
  java_version=$(java -version 2>&1 | tr '\n' ' ')
  printf '%s %s %s' "$SCRIPT_HASH" "$java_version" "$JRE_MODULES" | sha256sum | cut -c1-24
}

# jlink runs once per inputs hash; the result is kept under $SB_WORK for the ZooKeeper image too.
ensure_jre_dir() {
  local hash=$1
  if [[ -f "$JRE_DIR/.hash" && "$(cat "$JRE_DIR/.hash")" == "$hash" ]]; then
    return 0
  fi
  command -v jlink >/dev/null || die "jlink not found (a JDK 17 is needed, e.g. apt-get install openjdk-17-jdk-headless)"
  rm -rf "$JRE_DIR"
  log "jlink: $JRE_MODULES"
  jlink --add-modules "$JRE_MODULES" --strip-debug --no-header-files --no-man-pages --compress=1 \
    --output "$JRE_DIR/opt/jre"
  echo "$hash" >"$JRE_DIR/.hash"
}

jre_rootfs() {
  local rootfs=$1
  base_rootfs "$rootfs"
  cp -a "$JRE_DIR/opt" "$rootfs/opt"
  copy_libs "$rootfs" "$rootfs/opt/jre/bin/java" $(find "$rootfs/opt/jre/lib" -name '*.so')
}

JRE_ENV=("ENV PATH=/opt/jre/bin:/usr/bin:/bin" "ENV JAVA_HOME=/opt/jre" "ENV $LIBPATH")

build_jre() {
  local hash
  hash=$(jre_hash)
  if [[ "$(current_label "$JRE_IMAGE")" == "$hash" ]]; then
    log "$JRE_IMAGE is up to date"
    return 0
  fi
  ensure_jre_dir "$hash"
  local rootfs="$BUILD/jre-rootfs"
  jre_rootfs "$rootfs"
  import_rootfs "$rootfs" "$JRE_IMAGE" "$hash" "${JRE_ENV[@]}" 'CMD ["java", "-version"]'
  rm -rf "$rootfs"
}

build_zookeeper() {
  local lib="$BUILD/zookeeper-lib"
  rm -rf "$lib"
  log "collecting ZooKeeper jars from the Maven build (it-tests/testkit dependencies)"
  mvn -B -q ${SB_MAVEN_OPTS:-} -f "$SB_ROOT/it-tests/testkit/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeArtifactIds="$ZK_ARTIFACTS" -DoutputDirectory="$lib" >"$BUILD/zookeeper-deps.log" 2>&1 \
    || { tail -30 "$BUILD/zookeeper-deps.log" >&2; die "collecting ZooKeeper jars failed"; }
  ls "$lib"/zookeeper-3*.jar >/dev/null 2>&1 || die "no zookeeper jar in $lib"
  local hash
  hash=$(printf '%s %s' "$(jre_hash)" "$(cd "$lib" && sha256sum -- *.jar | sort)" | sha256sum | cut -c1-24)
  if [[ "$(current_label "$ZK_IMAGE")" == "$hash" ]]; then
    log "$ZK_IMAGE is up to date"
    return 0
  fi
  ensure_jre_dir "$(jre_hash)"
  local rootfs="$BUILD/zookeeper-rootfs"
  jre_rootfs "$rootfs"
  mkdir -p "$rootfs/opt/zookeeper/lib" "$rootfs/conf" "$rootfs/data"
  cp "$lib"/*.jar "$rootfs/opt/zookeeper/lib/"
  # the test kit (or a user) provides /conf/zoo.cfg (dataDir=/data) and /data/myid; see deploy/images/README.md
  import_rootfs "$rootfs" "$ZK_IMAGE" "$hash" "${JRE_ENV[@]}" "WORKDIR /data" \
    'CMD ["java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dzookeeper.admin.enableServer=false", "-Dzookeeper.jmx.log4j.disable=true", "-Dorg.slf4j.simpleLogger.showDateTime=true", "-cp", "/opt/zookeeper/lib/*", "org.apache.zookeeper.server.quorum.QuorumPeerMain", "/conf/zoo.cfg"]'
  rm -rf "$rootfs"
}

# --- switchboard-local/jre:25: a host JVM on JDK 25 next to a JDK 17 sidecar (end-to-end scenario 6) ---
# jlink of Temurin 24+ works without jmods (JEP 493: linking from the run-time image). A JDK 21+ host needs
# -XX:+EnableDynamicAgentLoading for a quiet attach (docs/operations.md); the image does not bake it in, so
# the warning stays visible unless the container's java command (or JDK_JAVA_OPTIONS) passes the flag.
JRE25_IMAGE=switchboard-local/jre:25
JAVA25_HOME="${SWITCHBOARD_JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JRE25_DIR="$BUILD/jre25"

build_jre25() {
  if [[ ! -x "$JAVA25_HOME/bin/jlink" ]]; then
    log "$JRE25_IMAGE skipped: no JDK 25 with jlink at $JAVA25_HOME (set SWITCHBOARD_JAVA25_HOME); the JDK 25 e2e test then says so"
    return 0
  fi
  local hash
  hash=$(printf '%s %s %s jre25' "$SCRIPT_HASH" "$("$JAVA25_HOME/bin/java" -version 2>&1 | tr '\n' ' ')" "$JRE_MODULES" \
    | sha256sum | cut -c1-24)
  if [[ "$(current_label "$JRE25_IMAGE")" == "$hash" ]]; then
    log "$JRE25_IMAGE is up to date"
    return 0
  fi
  if [[ ! -f "$JRE25_DIR/.hash" || "$(cat "$JRE25_DIR/.hash")" != "$hash" ]]; then
    rm -rf "$JRE25_DIR"
    log "jlink (JDK 25): $JRE_MODULES"
    "$JAVA25_HOME/bin/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-header-files --no-man-pages \
      --compress=zip-6 --output "$JRE25_DIR/opt/jre"
    echo "$hash" >"$JRE25_DIR/.hash"
  fi
  local rootfs="$BUILD/jre25-rootfs"
  base_rootfs "$rootfs"
  cp -a "$JRE25_DIR/opt" "$rootfs/opt"
  copy_libs "$rootfs" "$rootfs/opt/jre/bin/java" $(find "$rootfs/opt/jre/lib" -name '*.so')
  import_rootfs "$rootfs" "$JRE25_IMAGE" "$hash" "${JRE_ENV[@]}" 'CMD ["java", "-version"]'
  rm -rf "$rootfs"
}

mkdir -p "$BUILD"
start=$SECONDS
case "${1:-all}" in
  etcd) build_etcd ;;
  jre) build_jre ;;
  jre25) build_jre25 ;;
  zookeeper) build_zookeeper ;;
  all) build_etcd; build_jre; build_zookeeper; build_jre25 ;;
  *) die "usage: $0 [all|etcd|jre|jre25|zookeeper]" ;;
esac
log "images ready in $((SECONDS - start)) s"
