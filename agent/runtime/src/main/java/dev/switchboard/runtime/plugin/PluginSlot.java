package dev.switchboard.runtime.plugin;

import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.UnloadOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * One plugin id in a {@link PluginManagerImpl}: operations are chained on {@code tail}, so one runs at a time; the
 * fields other than {@code status} and {@code traffic} are touched only by the running operation.
 */
final class PluginSlot {
  final String id;
  CompletableFuture<?> tail = CompletableFuture.completedFuture(null); // guarded by this
  PluginInstance active;
  long unloadGeneration;
  volatile PluginStatus status;
  /** Two versions live with calls shared (written by the running operation, read for figures), or null. */
  volatile TrafficSplits.Live traffic;

  PluginSlot(String id) {
    this.id = id;
  }

  /** A status of this plugin: {@code since} kept while the state stays, advice problems added while ACTIVE. */
  PluginStatus status(PluginState state, String version, String sha, String error, UnloadOutcome unload, List<String> leaked) {
    PluginStatus prev = status;
    String since = prev != null && prev.state() == state ? prev.since() : now();
    if (state == PluginState.ACTIVE && active != null) error = AdviceSupport.merge(error, active.adviceSummary());
    return new PluginStatus(id, state, version, sha == null ? null : sha.toLowerCase(Locale.ROOT), since, error, unload, leaked);
  }

  /** The unload outcome the last status showed, or null. */
  UnloadOutcome keepUnload() {
    PluginStatus s = status;
    return s == null ? null : s.unload();
  }

  /** The leaked threads the last status showed. */
  List<String> keepLeaked() {
    PluginStatus s = status;
    return s == null ? List.of() : s.leakedThreads();
  }

  /** The status FAILED with {@code error} (an answer, not stored). */
  static PluginStatus failed(String id, String version, String sha, String error) {
    return new PluginStatus(id, PluginState.FAILED, version, sha, now(), error, null, List.of());
  }

  static String now() {
    return Instant.now().toString();
  }
}
