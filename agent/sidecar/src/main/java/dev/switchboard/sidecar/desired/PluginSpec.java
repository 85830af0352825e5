package dev.switchboard.sidecar.desired;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a store says about one plugin of one service: the last valid value of each key
 * (null when absent) and the keys whose current value was refused.
 *
 * @param traffic two versions live with calls shared (the {@code traffic} key), or null
 * @param overrides per-node {@code enabled} overrides by node name
 * @param errors keys whose latest value was refused; their last valid value (if any) is kept above
 */
public record PluginSpec(
    String service,
    String plugin,
    Boolean enabled,
    ArtifactRef artifact,
    String configJson,
    Selection rollout,
    Canary canary,
    Traffic traffic,
    Map<String, Boolean> overrides,
    List<KeyError> errors) {
  public PluginSpec {
    Objects.requireNonNull(service, "service == null");
    Objects.requireNonNull(plugin, "plugin == null");
    overrides = Map.copyOf(overrides);
    errors = List.copyOf(errors);
  }

  /** A spec without a {@code traffic} key. */
  public PluginSpec(String service, String plugin, Boolean enabled, ArtifactRef artifact, String configJson, Selection rollout,
      Canary canary, Map<String, Boolean> overrides, List<KeyError> errors) {
    this(service, plugin, enabled, artifact, configJson, rollout, canary, null, overrides, errors);
  }

  public static PluginSpec empty(String service, String plugin) {
    return new PluginSpec(service, plugin, null, null, null, null, null, null, Map.of(), List.of());
  }
}
