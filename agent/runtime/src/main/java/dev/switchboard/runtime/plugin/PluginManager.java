package dev.switchboard.runtime.plugin;

import dev.switchboard.api.ApiVersion;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.TrafficRequest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The runtime core: loads, validates, starts, upgrades, reconfigures, stops and unloads plugins in
 * this JVM. The control server calls it; everything it reports is a {@link PluginStatus}.
 *
 * <h2>Lifecycle of one plugin (states of docs/reference.md §1; FETCHING is the sidecar's)</h2>
 *
 * <pre>
 *            activate                 verified, loader ready      start() returned
 * INACTIVE ───────────→ LOADING ─────────────────────→ STARTING ────────────────→ ACTIVE
 *    ↑                    │                              │                           │ deactivate
 *    │                    │ refused (sha256, archive,    │ start threw / timed out   ↓
 *    │                    │ descriptor, class version,   │ (rolled back)          STOPPING
 *    │                    ↓ entry type, config)          ↓                           │
 *    │                  FAILED ←─────────────────────────┴───────────────────────────┤ stop threw / timed out
 *    │                    │ activate again: LOADING …                                 │ (still fully unloaded)
 *    └────────────────────┴──── deactivate ←──────────────────────────────────────────┘ stop returned
 *
 * STOPPING = unregister extensions → drain in-flight calls (bounded) → stop() (bounded) →
 *            executors shut down, resources closed, leftover threads interrupted and reported →
 *            loader closed → collection watched (unload: pending → collected | leaked)
 * </pre>
 *
 * <ul>
 *   <li>Each plugin instance moves through these states by compare-and-set; operations on one
 *       plugin id are serialised, different ids proceed in parallel.
 *   <li>Plugin code ({@code start}, {@code stop}, {@code reconfigure}) runs on a fresh thread of the
 *       runtime with the plugin's loader as context class loader; a call that exceeds its timeout
 *       is abandoned (interrupted) and reported.
 *   <li>Activation from INACTIVE/FAILED reports LOADING, STARTING, then ACTIVE or FAILED with the
 *       reason ({@code sha256: ...}, {@code archive: ...}, {@code descriptor: ...}, {@code class
 *       ...}, {@code entry: ...}, {@code config: ...}, {@code start: ...}). A failure rolls back
 *       completely (extensions, threads, resources, loader).
 *   <li>Activating exactly what is active (same sha256 and config) is a no-op returning ACTIVE.
 *       Same sha256 with another config: live reconfigure (validated first; a plugin that is not
 *       {@link dev.switchboard.api.Reconfigurable} is restarted). Another sha256: upgrade — the
 *       new instance is loaded and started beside the old one, the extension registrations are
 *       swapped in one snapshot swap per extension point, then the old instance is drained and
 *       unloaded. During an upgrade or reconfigure the status stays ACTIVE (old version); if the
 *       new jar or config is refused, the old instance keeps serving, the returned future carries
 *       FAILED with the reason, and the stored status is ACTIVE with {@code error} set to
 *       {@code "upgrade to <version> failed: ..."} / {@code "config rejected: ..."}.
 *   <li>Deactivation: STOPPING, then INACTIVE with {@code unload} = {@code pending}, {@code
 *       collected} or {@code leaked}; a {@code pending} unload is resolved later and pushed as an
 *       event. Threads the plugin left are interrupted and listed in {@code leakedThreads}.
 *   <li>The unload check never forces a collection on the deactivation path: the loader is
 *       watched through a weak reference that natural collections clear; only a loader still
 *       pending after {@link PluginManagerConfig#unloadGcDelay()} gets one explicit collection
 *       (rate-limited by {@link PluginManagerConfig#unloadGcInterval()}, or never when the delay is
 *       null). {@link #checkUnload()} checks on demand.
 * </ul>
 *
 * <p>Listeners get every status change; they are never called while a lock is held, and a
 * throwing listener is logged and ignored.
 */
public interface PluginManager extends AutoCloseable {
  /** Activates, upgrades or reconfigures; completes with ACTIVE or FAILED (never exceptionally). */
  CompletableFuture<PluginStatus> activate(ActivateRequest request);

  /** Deactivates; completes with INACTIVE (also for an unknown id) or FAILED. */
  CompletableFuture<PluginStatus> deactivate(String pluginId);

  /**
   * Two versions of one plugin live with calls shared, or the end of that ({@link TrafficRequest}): SPLIT loads
   * and starts the second jar beside the active instance (side by side, whatever its restart policy) or keeps the
   * one already beside it, then sets the split; PROMOTE / ABORT keep one version and drain, stop and unload the
   * other. Completes with ACTIVE (the version that ran first while split) or FAILED with the reason; a refused
   * request leaves what served serving. Activate and deactivate end a split first (the second version goes), except
   * an activation of exactly what is active (same sha256 and config: a no-op that leaves the split in place).
   */
  CompletableFuture<PluginStatus> traffic(TrafficRequest request);

  /**
   * Per plugin with two live versions: {@code versions} (version → {@code {weight, calls, sha256}}, calls counted
   * since the split started), {@code hashKey}, {@code pinHeader}, {@code pins}.
   */
  java.util.Map<String, Object> trafficFigures();

  /** The status of every plugin this manager has seen, sorted by id. */
  List<PluginStatus> statuses();

  Optional<PluginStatus> status(String pluginId);

  /** Receives every status change (state changes and late unload outcomes). */
  void addListener(Consumer<PluginStatus> listener);

  void removeListener(Consumer<PluginStatus> listener);

  /**
   * On-demand unload check: one explicit collection now (whatever the policy), then every pending
   * unload outcome that it settles is recorded (and pushed as an event); completes with the
   * statuses afterwards. Loaders still reachable and past {@code collectTimeout} become {@code
   * leaked}; younger ones stay {@code pending}. Stops the JVM for one full collection: for
   * operators and tests, not for a request path.
   */
  CompletableFuture<List<PluginStatus>> checkUnload();

  /**
   * Figures of the unload check: explicit collections forced so far and their total time, loaders
   * pending, and outcomes so far (every unloaded loader counts, also one whose outcome no status
   * shows any more because a newer operation replaced it).
   */
  UnloadFigures unloadFigures();

  /** See {@link #unloadFigures()}. */
  record UnloadFigures(long explicitGcs, long explicitGcMillis, int pending, long collected, long leaked) {}

  /** Method advice figures: {@code available}, and with it {@code sites}, {@code liveAdvice}, {@code retransformedClasses}, {@code retransformMillis}. */
  default java.util.Map<String, Object> adviceStats() {
    return java.util.Map.of("available", false);
  }

  /** The plugin API version this runtime offers. */
  ApiVersion apiVersion();

  /** The settings this manager was built with. */
  PluginManagerConfig config();

  /** Deactivates every plugin (bounded by the timeouts) and stops accepting requests. */
  @Override
  void close();

  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link PluginManager}. */
  final class Builder {
    private PluginManagerConfig config = PluginManagerConfig.builder().build();
    private java.lang.instrument.Instrumentation inst;
    private dev.switchboard.runtime.advice.AdviceRules adviceRules =
        new dev.switchboard.runtime.advice.AdviceRules(java.util.List.of(), dev.switchboard.runtime.advice.AdviceRules.DEFAULT_MAX_FAILURES);

    Builder() {}

    /** Enables method advice: woven through {@code inst} under {@code rules} (without it, advice is refused). */
    public Builder advice(java.lang.instrument.Instrumentation inst, dev.switchboard.runtime.advice.AdviceRules rules) {
      this.inst = Objects.requireNonNull(inst, "inst == null");
      this.adviceRules = Objects.requireNonNull(rules, "rules == null");
      return this;
    }

    public Builder config(PluginManagerConfig config) {
      this.config = Objects.requireNonNull(config, "config == null");
      return this;
    }

    public PluginManager build() {
      return new PluginManagerImpl(config, inst, adviceRules);
    }
  }
}
