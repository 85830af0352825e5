#!/usr/bin/env bash
# Benchmark harness (issue 7). Not part of the default build or test run.
#   ./scripts/bench.sh                # full run: JMH dispatch, 200 flips per store, 5 attaches, 1000 cycles
#   FLIPS=50 CYCLES=200 ./scripts/bench.sh   # shorter
# Results: it-tests/bench/target/results/{bench-results.json,table.md,...}, copied to bench-results/<UTC time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
FLIPS=${FLIPS:-200}
ATTACHES=${ATTACHES:-5}
CYCLES=${CYCLES:-1000}
BRIDGE_WRITES=${BRIDGE_WRITES:-100}
JMH_ARGS=${JMH_ARGS:--f 1 -wi 3 -i 5 -w 1s -r 1s}
MVN_OFFLINE=${MVN_OFFLINE:--o}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -q $MVN_OFFLINE -Pbench -pl it-tests/bench -am package -DskipTests
fi
B=it-tests/bench
R=$B/target/results
rm -rf "$R"; mkdir -p "$R"   # only this run's files
CP="$B/target/classes:$(cat $B/target/bench-classpath.txt)"
JAVA=${JAVA:-java}
echo "== machine: $(nproc) cores, $(uptime)" | tee "$R/machine.txt"
"$JAVA" -version 2>&1 | head -1 | tee -a "$R/machine.txt"

echo "== 1/4 extension dispatch (JMH: $JMH_ARGS)"
# shellcheck disable=SC2086
"$JAVA" -cp "$CP" org.openjdk.jmh.Main DispatchBench $JMH_ARGS -rf json -rff "$R/jmh-dispatch.json" | tee "$R/jmh-dispatch.txt" | grep -E '^(Benchmark|DispatchBench)'
echo "load after JMH: $(uptime)" | tee -a "$R/machine.txt"

echo "== 2/4 flip->live / flip->not-live, $FLIPS flips per store (etcd + ZooKeeper, local mode), raw watch baseline"
"$JAVA" -Dswitchboard.testkit=local -Dswitchboard.dist=dist -cp "$CP" dev.switchboard.bench.FlipBench "$FLIPS" "$R/flip.json" 2>&1 | grep -v -E 'DEBUG|SLF4J|TcpMetrics|Epoll'
echo "load after flips: $(uptime)" | tee -a "$R/machine.txt"

echo "== 3/4 attach + runtime ready ($ATTACHES fresh hosts), $CYCLES activate/deactivate cycles"
"$JAVA" -Dswitchboard.dist=dist -cp "$CP" dev.switchboard.bench.RuntimeBench "$ATTACHES" "$CYCLES" "$R/runtime.json"
echo "load after runtime bench: $(uptime)" | tee -a "$R/machine.txt"

echo "== 4/4 bridge lag at 10 writes/s per direction ($BRIDGE_WRITES writes each)"
"$JAVA" -Dswitchboard.testkit=local -Dswitchboard.dist=dist -cp "$CP" dev.switchboard.bench.BridgeBench "$BRIDGE_WRITES" "$R/bridge.json" 2>&1 | grep -v -E 'DEBUG|SLF4J|TcpMetrics|Epoll'
echo "load after bridge bench: $(uptime)" | tee -a "$R/machine.txt"

"$JAVA" -cp "$CP" dev.switchboard.bench.Summary "$R" "$(nproc) cores; $(tr '\n' ' ' < "$R/machine.txt")"
DEST=bench-results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$DEST"
cp "$R"/*.json "$R"/*.txt "$R/table.md" "$DEST"/
echo "results: $R/bench-results.json (copy in $DEST)"
