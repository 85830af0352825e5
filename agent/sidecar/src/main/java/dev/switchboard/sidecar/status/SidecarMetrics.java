package dev.switchboard.sidecar.status;

import dev.switchboard.control.PluginState;
import dev.switchboard.sidecar.reconcile.FailureReasons;
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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's Prometheus metrics (docs/reference.md lists them). Every series carries the agent's {@code service} and
 * {@code node} labels (common tags), so a dashboard filters and names agents without joins. Series exist from the
 * start at 0: the flip histogram, one {@code switchboard_store_connected} per configured store,
 * {@code switchboard_agent_attached}, and, as soon as a plugin is known (its desired state was read), its
 * {@code switchboard_plugin_state} rows and a {@code switchboard_reconcile_failures_total} counter for every reason
 * of {@link FailureReasons} — so the first failure shows in {@code rate()}/{@code increase()}. While a plugin runs
 * two versions ({@code traffic}), {@code switchboard_plugin_traffic_weight} and {@code switchboard_plugin_traffic_calls}
 * have one row per version.
 */
public final class SidecarMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge active;
  private final MultiGauge states;
  private final Map<String, PluginReport> reports = new ConcurrentHashMap<>();
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> stores = new ConcurrentHashMap<>();
  private final AtomicInteger attached = new AtomicInteger();
  private final Timer flips;
  private final MultiGauge trafficWeight;
  private final MultiGauge trafficCalls;

  public SidecarMetrics(String service, String node) {
    Objects.requireNonNull(service, "service == null");
    Objects.requireNonNull(node, "node == null");
    registry.config().commonTags("service", service, "node", node);
    this.active = MultiGauge.builder("switchboard.plugin.active")
        .description("1 when the plugin version is ACTIVE in the host")
        .register(registry);
    this.trafficWeight = MultiGauge.builder("switchboard.plugin.traffic.weight")
        .description("Weight of each of the two versions of a plugin live with calls shared")
        .register(registry);
    this.trafficCalls = MultiGauge.builder("switchboard.plugin.traffic.calls")
        .description("Calls routed to each of the two versions of a plugin since its traffic split started (read from the host at each scrape)")
        .register(registry);
    this.states = MultiGauge.builder("switchboard.plugin.state")
        .description("1 for the plugin's current state as in the status key (one series per state), 0 for the others")
        .register(registry);
    this.flips = Timer.builder("switchboard.flip.to.live")
        .description("From a change observed in the store to the runtime's ACTIVE/INACTIVE answer")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
    Gauge.builder("switchboard.agent.attached", attached, AtomicInteger::get)
        .description("1 while the agent is attached to the host JVM's runtime")
        .register(registry);
  }

  /** A plugin with desired state on this node: its failure counters exist at 0 from now on. */
  public void plugin(String plugin) {
    if (!known.add(plugin)) return;
    for (String reason : FailureReasons.all()) failureCounter(plugin, reason);
  }

  private Counter failureCounter(String plugin, String reason) {
    return failures.computeIfAbsent(plugin + "\n" + reason, k -> Counter.builder("switchboard.reconcile.failures")
        .description("Failed reconcile operations (fetch, attach/control, or a runtime answer other than the one asked for)")
        .tags("plugin", plugin, "reason", reason)
        .register(registry));
  }

  public synchronized void report(PluginReport r) {
    plugin(r.plugin());
    PluginReport prev = reports.put(r.plugin(), r);
    // several reports per flip (FETCHING, LOADING, ...) change nothing the active gauge shows: re-register only on a change
    if (prev == null || prev.active() != r.active() || !Objects.equals(prev.version(), r.version())
        || !Objects.equals(prev.traffic(), r.traffic())) {
      refreshActive();
    }
    if (prev == null || !prev.state().equals(r.state())) {
      refreshStates();
    }
  }

  public synchronized void removed(String plugin) {
    reports.remove(plugin);
    refreshActive();
    refreshStates();
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

  private static Tags tags(String plugin, String version) {
    return Tags.of("plugin", plugin, "version", version); // service and node: common tags
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

  private void refreshStates() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (PluginReport r : reports.values()) {
      for (PluginState s : PluginState.values()) {
        rows.add(MultiGauge.Row.of(Tags.of("plugin", r.plugin(), "state", s.name()), s.name().equals(r.state()) ? 1 : 0));
      }
    }
    states.register(rows, true);
  }

  public void flip(Duration elapsed) {
    flips.record(elapsed);
  }

  public void failure(String plugin, String reason) {
    plugin(plugin);
    failureCounter(plugin, reason).increment();
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

  /** Whether the agent is attached to the host's runtime. */
  public void attached(boolean yes) {
    attached.set(yes ? 1 : 0);
  }

  /** Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
