#!/usr/bin/env bash
# Benchmark harness. Not part of the default build or test run.
#   ./scripts/bench.sh                # full run: JMH dispatch, 200 flips per store, 20 attaches, 1000 cycles, JMH advice
#   FLIPS=50 CYCLES=200 ./scripts/bench.sh   # shorter
#   ONLY="5 6 7 8" SKIP_BUILD=1 ./scripts/bench.sh   # only some steps (numbers as printed)
#   MVN_OFFLINE=-o ./scripts/bench.sh    # build offline (the default is online: a fresh clone needs PF4J and JMH)
#   CHECKER_SECONDS=1800 ./scripts/bench.sh            # also the bridge history checker, 30 min (long run)
#   ONLY=9 FLEET_SIZES="100 300 1000" ./scripts/bench.sh   # the fleet step only, at these sizes
#   ONLY=10 SKIP_BUILD=1 ./scripts/bench.sh   # the method advice JMH only (advised vs unadvised call)
#   ONLY=11 ADVICE_CLASSES=10,100 ADVICE_CYCLES=200 ./scripts/bench.sh   # advice activation with N classes, cycles
# Results: it-tests/bench/target/results/{bench-results.json,table.md,...}, copied to bench-results/<UTC time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
FLIPS=${FLIPS:-200}
ATTACHES=${ATTACHES:-20}
CYCLES=${CYCLES:-1000}
BRIDGE_WRITES=${BRIDGE_WRITES:-100}
ACT_1MB=${ACT_1MB:-10}          # first activations over HTTP with a 1 MB jar
ACT_20MB=${ACT_20MB:-5}         # ... with a 20 MB jar
PF4J_CYCLES=${PF4J_CYCLES:-100} # per system and variant, multiple of 25
MEM_PLUGINS=${MEM_PLUGINS:-20}
LOAD_RATE=${LOAD_RATE:-1000}    # req/s during the upgrade-under-load step
LOAD_SECONDS=${LOAD_SECONDS:-10}
JMH_ARGS=${JMH_ARGS:--f 1 -wi 3 -i 5 -w 1s -r 1s}
FLEET_SIZES=${FLEET_SIZES:-100 300}  # simulated agents per fleet run (step 9)
FLEET_JVMS=${FLEET_JVMS:-4}         # worker JVMs holding them
FLEET_ACK_MS=${FLEET_ACK_MS:-20}    # the stand-in host's activation / deactivation time
ADVICE_CLASSES=${ADVICE_CLASSES:-10,100,1000}  # woven classes per advice activation (step 11)
ADVICE_ROUNDS=${ADVICE_ROUNDS:-5}
ADVICE_CYCLES=${ADVICE_CYCLES:-1000}           # advise/unadvise cycles (step 11)
ONLY=${ONLY:-}
step() { [[ -z "$ONLY" || " $ONLY " == *" $1 "* ]]; }
MVN_OFFLINE=${MVN_OFFLINE:-}   # empty (online) unless set, e.g. to -o

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q $MVN_OFFLINE -Pbench -pl it-tests/bench -am package -DskipTests
fi
B=it-tests/bench
R=${RESULTS:-$B/target/results}   # RESULTS=/tmp/x keeps a run apart from a concurrent one
rm -rf "$R"; mkdir -p "$R"   # only this run's files
# a private copy of the harness classes: a concurrent build of it-tests/bench cannot swap them mid-run
CLASSES=$(mktemp -d /tmp/switchboard-bench-classes-XXXXXX)
trap 'rm -rf "$CLASSES"' EXIT
cp -r "$B/target/classes/." "$CLASSES/"
CP="$CLASSES:$(cat $B/target/bench-classpath.txt)"
JAVA=${JAVA:-java}
echo "== machine: $(nproc) cores, $(uptime)" | tee "$R/machine.txt"
"$JAVA" -version 2>&1 | head -1 | tee -a "$R/machine.txt"

if step 1; then
echo "== 1/8 extension dispatch (JMH: $JMH_ARGS)"
# shellcheck disable=SC2086
"$JAVA" -cp "$CP" org.openjdk.jmh.Main DispatchBench $JMH_ARGS -rf json -rff "$R/jmh-dispatch.json" | tee "$R/jmh-dispatch.txt" | grep -E '^(Benchmark|DispatchBench)'
echo "load after JMH: $(uptime)" | tee -a "$R/machine.txt"
fi

if step 2; then
echo "== 2/8 flip->live / flip->not-live, $FLIPS flips per store (etcd + ZooKeeper, local mode), raw watch baseline"
"$JAVA" -Dswitchboard.testkit=local -Dswitchboard.dist=dist -cp "$CP" dev.switchboard.bench.FlipBench "$FLIPS" "$R/flip.json" 2>&1 | grep -v -E 'DEBUG|SLF4J|TcpMetrics|Epoll'
echo "load after flips: $(uptime)" | tee -a "$R/machine.txt"
fi

if step 3; then
echo "== 3/8 attach + runtime ready ($ATTACHES fresh hosts), $CYCLES activate/deactivate cycles"
# --add-opens: what switchboard.jar's manifest gives the sidecar (the attach fast path signals through the Attach API's native call)
"$JAVA" --add-opens jdk.attach/sun.tools.attach=ALL-UNNAMED -Dswitchboard.dist=dist -cp "$CP" dev.switchboard.bench.RuntimeBench "$ATTACHES" "$CYCLES" "$R/runtime.json"
echo "load after runtime bench: $(uptime)" | tee -a "$R/machine.txt"
fi

if step 4; then
echo "== 4/8 bridge lag per direction and both at once, at 10 writes/s ($BRIDGE_WRITES writes) and 1,000 writes/s, raw watch baseline"
"$JAVA" -Dswitchboard.testkit=local -Dswitchboard.dist=dist -cp "$CP" dev.switchboard.bench.BridgeBench "$BRIDGE_WRITES" "$R/bridge.json" 2>&1 | grep -v -E 'DEBUG|SLF4J|TcpMetrics|Epoll'
echo "load after bridge bench: $(uptime)" | tee -a "$R/machine.txt"
fi

if step 5; then
echo "== 5/8 first-time activation over HTTP: small, 1 MB x $ACT_1MB, 20 MB x $ACT_20MB jars (raw download baseline)"
"$JAVA" -Dswitchboard.testkit=local -Dswitchboard.dist=dist -cp "$CP" dev.switchboard.bench.ActivationBench "$ACT_1MB" "$ACT_20MB" "$R/activation.json" 2>&1 | grep -v -E 'DEBUG|SLF4J|TcpMetrics|Epoll|StateCell|INFO: etcd'
echo "load after activation bench: $(uptime)" | tee -a "$R/machine.txt"
fi

if step 6; then
echo "== 6/8 load+start+stop+unload, ours vs PF4J in one JVM ($PF4J_CYCLES cycles each per variant; host JVM flags)"
"$JAVA" -Xmx256m -XX:+UseSerialGC -Dswitchboard.dist=dist -cp "$CP" dev.switchboard.bench.Pf4jBench "$PF4J_CYCLES" "$R/pf4j.json" 2>&1 | grep -v -E '^Note:'
echo "load after PF4J bench: $(uptime)" | tee -a "$R/machine.txt"
fi

if step 7; then
echo "== 7/8 sidecar RSS + CPU idle with $MEM_PLUGINS plugins (integration-test flags vs tuned flags)"
"$JAVA" -Dswitchboard.testkit=local -Dswitchboard.dist=dist -cp "$CP" dev.switchboard.bench.SidecarMemoryBench "$MEM_PLUGINS" "$R/sidecar-memory.json" 2>&1 | grep -v -E 'DEBUG|SLF4J|TcpMetrics|Epoll|StateCell|INFO: etcd'
echo "load after sidecar memory bench: $(uptime)" | tee -a "$R/machine.txt"
fi

if step 8; then
echo "== 8/8 upgrade 1.0.0<->2.0.0 under $LOAD_RATE req/s open-loop load, ${LOAD_SECONDS}s without and ${LOAD_SECONDS}s with swaps"
"$JAVA" -Dswitchboard.testkit=local -Dswitchboard.dist=dist -cp "$CP" dev.switchboard.bench.UpgradeLoadBench "$LOAD_RATE" "$LOAD_SECONDS" "$R/upgrade-load.json" 2>&1 | grep -v -E 'DEBUG|SLF4J|TcpMetrics|Epoll|StateCell|INFO: etcd'
echo "load after upgrade-under-load bench: $(uptime)" | tee -a "$R/machine.txt"
fi

if step 9; then
echo "== 9 fleet: $FLEET_SIZES simulated agents in $FLEET_JVMS JVMs (own store sessions each, stand-in host acking in ${FLEET_ACK_MS} ms): flips, rollout, etcd and ZooKeeper restarts"
for n in $FLEET_SIZES; do
  "$JAVA" -Dswitchboard.testkit=local -cp "$CP" dev.switchboard.fleet.FleetBench "$n" "$FLEET_JVMS" "$FLEET_ACK_MS" "$R/fleet-$n.json" 2>&1 | grep -v -E 'DEBUG|SLF4J|TcpMetrics|Epoll'
  echo "load after the fleet of $n: $(uptime)" | tee -a "$R/machine.txt"
done
fi

if step 10; then
echo "== 10 method advice per call: unadvised / advised (one before handler) / woven with the handler switched off (JMH: $JMH_ARGS)"
# shellcheck disable=SC2086
"$JAVA" -cp "$CP" org.openjdk.jmh.Main AdviceBench $JMH_ARGS -rf json -rff "$R/jmh-advice.json" | tee "$R/jmh-advice.txt" | grep -E '^(Benchmark|AdviceBench)'
echo "load after advice JMH: $(uptime)" | tee -a "$R/machine.txt"
fi

if step 11; then
echo "== 11 method advice: activation / deactivation with $ADVICE_CLASSES woven classes ($ADVICE_ROUNDS rounds), $ADVICE_CYCLES advise/unadvise cycles (metaspace, loaders collected)"
"$JAVA" -Djdk.attach.allowAttachSelf=true -Xmx256m -cp "$CP" dev.switchboard.bench.AdviceCyclesBench "$ADVICE_CLASSES" "$ADVICE_ROUNDS" "$ADVICE_CYCLES" \
  | tee "$R/advice-cycles.txt" | grep '^RESULT'
echo "load after advice cycles: $(uptime)" | tee -a "$R/machine.txt"
fi

if [[ -n "${CHECKER_SECONDS:-}" ]]; then
echo "== extra: the bridge history checker for ${CHECKER_SECONDS}s (seed printed; CHECKER_SEED=<seed> replays)"
mvn -B -q $MVN_OFFLINE verify -pl it-tests/bridge-it -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=HistoryCheckerIT -Dfailsafe.failIfNoSpecifiedTests=false -Dchecker.seconds="$CHECKER_SECONDS" \
  ${CHECKER_SEED:+-Dchecker.seed=$CHECKER_SEED} 2>&1 | grep -E 'history checker|Tests run|FAIL|burst ending|race' | tee "$R/history-checker.txt"
echo "load after the history checker: $(uptime)" | tee -a "$R/machine.txt"
fi

"$JAVA" -cp "$CP" dev.switchboard.bench.Summary "$R" "$(nproc) cores; $(tr '\n' ' ' < "$R/machine.txt")"
DEST=bench-results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$DEST"
cp "$R"/*.json "$R"/*.txt "$R"/*.md "$DEST"/
echo "results: $R/bench-results.json (copy in $DEST)"
