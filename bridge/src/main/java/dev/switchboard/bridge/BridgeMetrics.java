package dev.switchboard.bridge;

import dev.switchboard.bridge.merge.Side;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The bridge's Prometheus metrics (names in docs/reference.md). Every counter exists at 0 for every label value it can
 * take from the start ({@link #SKIP_REASONS}, {@link #ERROR_REASONS}, both stores, both ops), so the first event shows
 * in {@code rate()}/{@code increase()}. Lag and merge time are histograms: a quantile is computed over a window by the
 * server ({@code histogram_quantile}) and has no value, rather than 0, when nothing was bridged in the window.
 */
public final class BridgeMetrics {
  /** Why a change was not bridged (label {@code reason} of {@code switchboard_bridge_skipped_total}). */
  static final List<String> SKIP_REASONS = List.of("unmapped", "invalid_key", "oversized", "sequential", "ephemeral", "empty_value", "other");
  /** Why a merge or a scan failed (label {@code reason} of {@code switchboard_bridge_errors_total}). */
  static final List<String> ERROR_REASONS = List.of("read", "write", "ledger", "scan");

  /** Histogram bucket bounds of lag and merge time (few, so a fleet of bridges stays cheap to scrape). */
  private static final Duration[] BUCKETS = java.util.stream.DoubleStream.of(
          0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
      .mapToObj(s -> Duration.ofNanos((long) (s * 1e9))).toArray(Duration[]::new);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<Side, Timer> lags = new ConcurrentHashMap<>();
  private final Timer merges;

  BridgeMetrics(Supplier<Number> leader, Supplier<Number> pending, Supplier<Number> lastSync, Supplier<Number> etcdUp, Supplier<Number> zkUp) {
    Gauge.builder("switchboard_bridge_leader", leader).description("1 while this bridge is the leader").register(registry);
    Gauge.builder("switchboard_bridge_pending", pending).description("Keys waiting to be merged").register(registry);
    Gauge.builder("switchboard_bridge_last_sync_timestamp_seconds", lastSync)
        .description("Unix time of the end of the last full comparison (0 before the first)").register(registry);
    String up = "1 while the bridge's session to the store is connected";
    Gauge.builder("switchboard_bridge_store_connected", etcdUp).tag("store", "etcd").description(up).register(registry);
    Gauge.builder("switchboard_bridge_store_connected", zkUp).tag("store", "zookeeper").description(up).register(registry);
    for (Side s : Side.values()) {
      for (String op : List.of("put", "delete")) writeCounter(s, op);
      conflictCounter(s);
      fencedCounter(s);
      echoCounter(s);
      for (String reason : SKIP_REASONS) skipCounter(s.label(), reason);
      lags.put(s, Timer.builder("switchboard_bridge_lag_seconds")
          .description("From a change seen in one store to its copy written to the other")
          .tag("direction", s.label() + "_to_" + s.other().label())
          .serviceLevelObjectives(BUCKETS)
          .register(registry));
    }
    for (String reason : ERROR_REASONS) errorCounter(reason);
    counter("switchboard_bridge_scans", "Full comparisons (anti-entropy passes) completed");
    counter("switchboard_bridge_scan_differences", "Keys a full comparison found differing and queued for a merge");
    this.merges = Timer.builder("switchboard_bridge_merge_seconds")
        .description("Duration of one merge (reads, decision, writes)")
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  /** etcd transactions the ledger sent, and the per-key transactions they carried (group commit). */
  void ledger(ToDoubleFunction<Object> transactions, ToDoubleFunction<Object> keys) {
    FunctionCounter.builder("switchboard_bridge_ledger_transactions", this, transactions)
        .description("etcd transactions sent for the ledger (intents, ledger entries, etcd writes)").register(registry);
    FunctionCounter.builder("switchboard_bridge_ledger_transaction_keys", this, keys)
        .description("Per-key transactions carried by them (more than one per etcd transaction under load)").register(registry);
  }

  private Counter counter(String name, String help, String... tags) {
    return counters.computeIfAbsent(name + "|" + String.join(",", tags),
        k -> Counter.builder(name).description(help).tags(tags).register(registry));
  }

  private Counter writeCounter(Side target, String op) {
    return counter("switchboard_bridge_writes", "Writes the bridge made, by target store and operation", "store", target.label(), "op", op);
  }

  private Counter conflictCounter(Side winner) {
    return counter("switchboard_bridge_conflicts", "Keys changed in both stores since the last sync, by the store that won", "winner", winner.label());
  }

  private Counter fencedCounter(Side target) {
    return counter("switchboard_bridge_fenced_retries", "Writes refused because the key changed since it was read (merged again)", "store", target.label());
  }

  private Counter echoCounter(Side side) {
    return counter("switchboard_bridge_events_in_sync", "Events that matched the ledger (echoes of the bridge's writes, no-op writes): not merged", "store", side.label());
  }

  private Counter skipCounter(String store, String reason) {
    return counter("switchboard_bridge_skipped", "Changes not bridged, by the store the value came from and why", "store", store, "reason", reason);
  }

  private Counter errorCounter(String reason) {
    return counter("switchboard_bridge_errors", "Failed merges and full comparisons (retried), by step", "reason", reason);
  }

  void write(Side target, boolean delete) {
    writeCounter(target, delete ? "delete" : "put").increment();
  }

  void conflict(Side winner) {
    conflictCounter(winner).increment();
  }

  /** A change from {@code store} ({@code etcd} or {@code zookeeper}) that is not bridged, and why. */
  void skip(String store, String reason) {
    if (!store.equals(Side.ETCD.label()) && !store.equals(Side.ZOOKEEPER.label())) {
      throw new IllegalArgumentException("store must be etcd or zookeeper: " + store);
    }
    skipCounter(store, reason).increment();
  }

  /** An event that matched the ledger (an echo of our own write, or a no-op write): not merged. */
  void echo(Side side) {
    echoCounter(side).increment();
  }

  void fenceFailed(Side target) {
    fencedCounter(target).increment();
  }

  void error(String reason) {
    errorCounter(reason).increment();
  }

  void scan(int differing) {
    counter("switchboard_bridge_scans", "").increment();
    counter("switchboard_bridge_scan_differences", "").increment(differing);
  }

  /** Time from a change being seen in {@code source} to it being written to the other store. */
  void lag(Side source, Duration d) {
    lags.get(source).record(d);
  }

  /** Duration of one merge (reads, decision, writes). */
  void merged(Duration d) {
    merges.record(d);
  }

  /** Anti-entropy passes completed (a test waits on it instead of sleeping through a pass). */
  long scans() {
    return (long) counter("switchboard_bridge_scans", "").count();
  }

  long writes() {
    return (long) sum("switchboard_bridge_writes");
  }

  long conflicts() {
    return (long) sum("switchboard_bridge_conflicts");
  }

  long skips() {
    return (long) sum("switchboard_bridge_skipped");
  }

  private double sum(String name) {
    return counters.entrySet().stream().filter(e -> e.getKey().startsWith(name + "|")).mapToDouble(e -> e.getValue().count()).sum();
  }

  public String scrape() {
    return registry.scrape();
  }
}
