package dev.switchboard.bridge;

import dev.switchboard.bridge.merge.Side;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The bridge's Prometheus metrics (names in docs/reference.md §4). */
public final class BridgeMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong conflicts = new AtomicLong();
  private final AtomicLong skips = new AtomicLong();

  BridgeMetrics(Supplier<Number> leader, Supplier<Number> pending, Supplier<Number> lastSync, Supplier<Number> etcdUp, Supplier<Number> zkUp) {
    Gauge.builder("switchboard_bridge_leader", leader).description("1 while this bridge is the leader").register(registry);
    Gauge.builder("switchboard_bridge_pending", pending).description("keys waiting to be merged").register(registry);
    Gauge.builder("switchboard_bridge_last_sync_timestamp_seconds", lastSync).description("end of the last full comparison").register(registry);
    Gauge.builder("switchboard_bridge_store_connected", etcdUp).tag("store", "etcd").register(registry);
    Gauge.builder("switchboard_bridge_store_connected", zkUp).tag("store", "zookeeper").register(registry);
  }

  /** etcd transactions the ledger sent, and the per-key transactions they carried (group commit). */
  void ledger(java.util.function.ToDoubleFunction<Object> transactions, java.util.function.ToDoubleFunction<Object> keys) {
    io.micrometer.core.instrument.FunctionCounter.builder("switchboard_bridge_ledger_transactions", this, transactions)
        .description("etcd transactions sent for the ledger (intents, ledger entries, etcd writes)").register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("switchboard_bridge_ledger_transaction_keys", this, keys)
        .description("per-key transactions carried by them (more than one per etcd transaction under load)").register(registry);
  }

  private Counter counter(String name, String... tags) {
    return counters.computeIfAbsent(name + String.join(",", tags), k -> Counter.builder(name).tags(tags).register(registry));
  }

  void write(Side target, boolean delete) {
    writes.incrementAndGet();
    counter("switchboard_bridge_writes", "store", target.label(), "op", delete ? "delete" : "put").increment();
  }

  void conflict(Side winner) {
    conflicts.incrementAndGet();
    counter("switchboard_bridge_conflicts", "winner", winner.label()).increment();
  }

  void skip(String store, String reason) {
    skips.incrementAndGet();
    counter("switchboard_bridge_skipped", "store", store, "reason", reason).increment();
  }

  /** An event that matched the ledger (an echo of our own write, or a no-op write): not merged. */
  void echo(Side side) {
    counter("switchboard_bridge_events_in_sync", "store", side.label()).increment();
  }

  void fenceFailed(Side target) {
    counter("switchboard_bridge_fenced_retries", "store", target.label()).increment();
  }

  void error(String reason) {
    counter("switchboard_bridge_errors", "reason", reason).increment();
  }

  void scan(int differing) {
    counter("switchboard_bridge_scans").increment();
    counter("switchboard_bridge_scan_differences").increment(differing);
  }

  /** Time from a change being seen in {@code source} to it being written to the other store. */
  void lag(Side source, Duration d) {
    Timer.builder("switchboard_bridge_lag_seconds")
        .tag("direction", source.label() + "_to_" + source.other().label())
        .publishPercentiles(0.5, 0.99)
        .register(registry)
        .record(d);
  }

  /** Duration of one merge (reads, decision, writes). */
  void merged(Duration d) {
    Timer.builder("switchboard_bridge_merge_seconds").publishPercentiles(0.5, 0.99).register(registry).record(d);
  }

  /** Anti-entropy passes completed (a test waits on it instead of sleeping through a pass). */
  long scans() {
    return (long) counter("switchboard_bridge_scans").count();
  }

  long writes() {
    return writes.get();
  }

  long conflicts() {
    return conflicts.get();
  }

  long skips() {
    return skips.get();
  }

  public String scrape() {
    return registry.scrape();
  }
}
