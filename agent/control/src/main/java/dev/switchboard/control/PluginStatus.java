package dev.switchboard.control;

import java.util.List;
import java.util.Objects;

/**
 * What the runtime reports about one plugin.
 *
 * @param pluginId plugin id
 * @param state current state
 * @param version descriptor version of the active (or failed) jar, or null
 * @param sha256 sha256 of that jar, or null
 * @param since ISO-8601 UTC time the state was entered
 * @param error reason when FAILED (or a warning such as leaked threads), else null
 * @param unload outcome of the last unload of this plugin, or null when nothing was unloaded yet
 * @param leakedThreads names of threads the plugin left running after stop (interrupted and
 *     reported)
 * @param refusal on the FAILED answer to an activate request: whether retrying can help and whether the
 *     previous instance still serves; null otherwise (and from runtimes that predate it)
 */
public record PluginStatus(
    String pluginId,
    PluginState state,
    String version,
    String sha256,
    String since,
    String error,
    UnloadOutcome unload,
    List<String> leakedThreads,
    Refusal refusal) {
  public PluginStatus {
    Objects.requireNonNull(pluginId, "pluginId == null");
    Objects.requireNonNull(state, "state == null");
    leakedThreads = leakedThreads == null ? List.of() : List.copyOf(leakedThreads);
  }

  /** A status that is not the answer to a refused activation. */
  public PluginStatus(String pluginId, PluginState state, String version, String sha256, String since, String error,
      UnloadOutcome unload, List<String> leakedThreads) {
    this(pluginId, state, version, sha256, since, error, unload, leakedThreads, null);
  }

  /** This status with {@code r} attached (the answer to a refused activation). */
  public PluginStatus withRefusal(Refusal r) {
    return new PluginStatus(pluginId, state, version, sha256, since, error, unload, leakedThreads, r);
  }
}
