package dev.switchboard.sidecar.reconcile;

import java.util.Objects;

/**
 * The status of one plugin on this node, as published in the status key and {@code /v1/status}
 * (docs/reference.md §1): {@code {"state", "desired", "version", "sha256", "since", "error", "generation"}}, plus
 * {@code "unload"} once the runtime has unloaded a version of the plugin.
 *
 * @param active whether the runtime last reported the plugin ACTIVE (for metrics; not published)
 * @param traffic the second version the runtime runs beside {@code version} with calls shared, or null
 * @param unload the outcome of the plugin's last unload as the runtime reported it ({@code pending}, {@code collected},
 *     {@code leaked}), or null when the runtime has unloaded none (or does not know the plugin)
 */
public record PluginReport(
    String plugin,
    String state,
    boolean desired,
    String version,
    String sha256,
    String since,
    String error,
    long generation,
    boolean active,
    String unload,
    LiveSplit traffic) {
  public PluginReport {
    Objects.requireNonNull(plugin, "plugin == null");
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(since, "since == null");
  }

  /** A report of one version. */
  public PluginReport(String plugin, String state, boolean desired, String version, String sha256, String since, String error,
      long generation, boolean active, String unload) {
    this(plugin, state, desired, version, sha256, since, error, generation, active, unload, null);
  }

  /** A report of one version without an unload outcome. */
  public PluginReport(String plugin, String state, boolean desired, String version, String sha256, String since, String error,
      long generation, boolean active) {
    this(plugin, state, desired, version, sha256, since, error, generation, active, null, null);
  }

  /** Same content ignoring {@code since}. */
  boolean sameAs(PluginReport o) {
    return o != null
        && plugin.equals(o.plugin)
        && state.equals(o.state)
        && desired == o.desired
        && Objects.equals(version, o.version)
        && Objects.equals(sha256, o.sha256)
        && Objects.equals(error, o.error)
        && generation == o.generation
        && active == o.active
        && Objects.equals(unload, o.unload)
        && Objects.equals(traffic, o.traffic);
  }
}
