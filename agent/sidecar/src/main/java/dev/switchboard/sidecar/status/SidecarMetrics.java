package dev.switchboard.sidecar.status;

import dev.switchboard.sidecar.reconcile.PluginReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's Prometheus metrics (docs/reference.md §4): {@code switchboard_plugin_active{service,node,plugin,version}},
 * {@code switchboard_flip_to_live_seconds} (histogram), {@code switchboard_store_connected{store}},
 * {@code switchboard_reconcile_failures_total{plugin,reason}}; for plugins with two versions live,
 * {@code switchboard_plugin_traffic_weight} and {@code switchboard_plugin_traffic_calls} per version.
 */
public final class SidecarMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final String service;
  private final String node;
  private final MultiGauge active;
  private final Map<String, PluginReport> reports = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> stores = new ConcurrentHashMap<>();
  private final Timer flips;
  private final MultiGauge trafficWeight;
  private final MultiGauge trafficCalls;

  public SidecarMetrics(String service, String node) {
    this.service = service;
    this.node = node;
    this.active = MultiGauge.builder("switchboard.plugin.active")
        .description("1 when the plugin version is ACTIVE in the host")
        .register(registry);
    this.trafficWeight = MultiGauge.builder("switchboard.plugin.traffic.weight")
        .description("Weight of each of the two versions of a plugin live with calls shared")
        .register(registry);
    this.trafficCalls = MultiGauge.builder("switchboard.plugin.traffic.calls")
        .description("Calls routed to each of the two versions of a plugin since its traffic split started (read from the host at each scrape)")
        .register(registry);
    this.flips = Timer.builder("switchboard.flip.to.live")
        .description("From a change observed in the store to the runtime's ACTIVE/INACTIVE answer")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  public synchronized void report(PluginReport r) {
    PluginReport prev = reports.put(r.plugin(), r);
    // several reports per flip (FETCHING, LOADING, ...) change nothing the gauge shows: re-register only on a change
    if (prev == null || prev.active() != r.active() || !java.util.Objects.equals(prev.version(), r.version())
        || !java.util.Objects.equals(prev.traffic(), r.traffic())) {
      refreshActive();
    }
  }

  public synchronized void removed(String plugin) {
    reports.remove(plugin);
    refreshActive();
  }

  private void refreshActive() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    List<MultiGauge.Row<?>> weights = new ArrayList<>();
    for (PluginReport r : reports.values()) {
      rows.add(MultiGauge.Row.of(tags(r.plugin(), r.version() == null ? "" : r.version()), r.active() ? 1 : 0));
      if (r.traffic() == null) continue;
      r.traffic().weights().forEach((version, weight) -> {
        if (!version.equals(r.version())) rows.add(MultiGauge.Row.of(tags(r.plugin(), version), r.active() ? 1 : 0));
        weights.add(MultiGauge.Row.of(tags(r.plugin(), version), weight));
      });
    }
    active.register(rows, true);
    trafficWeight.register(weights, true);
  }

  private Tags tags(String plugin, String version) {
    return Tags.of("service", service, "node", node, "plugin", plugin, "version", version);
  }

  /**
   * Sets {@code switchboard_plugin_traffic_calls} from the runtime's traffic figures (plugin → {@code versions} →
   * {@code calls}); plugins without a split have no rows.
   */
  public synchronized void trafficCalls(Map<String, Object> runtimeTraffic) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    runtimeTraffic.forEach((plugin, figures) -> {
      if (!(figures instanceof Map<?, ?> f) || !(f.get("versions") instanceof Map<?, ?> versions)) return;
      versions.forEach((version, v) -> {
        if (v instanceof Map<?, ?> m && m.get("calls") instanceof Number calls) {
          rows.add(MultiGauge.Row.of(tags(plugin, String.valueOf(version)), calls.doubleValue()));
        }
      });
    });
    trafficCalls.register(rows, true);
  }

  public void flip(Duration elapsed) {
    flips.record(elapsed);
  }

  public void failure(String plugin, String reason) {
    Counter.builder("switchboard.reconcile.failures")
        .description("Failed reconcile operations")
        .tags("plugin", plugin, "reason", reason)
        .register(registry)
        .increment();
  }

  public void storeState(String store, boolean connected) {
    stores.computeIfAbsent(store, s -> {
      AtomicInteger v = new AtomicInteger();
      Gauge.builder("switchboard.store.connected", v, AtomicInteger::get)
          .description("1 while the store is connected and caught up")
          .tags("store", s)
          .register(registry);
      return v;
    }).set(connected ? 1 : 0);
  }

  /** Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
