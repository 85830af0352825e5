package dev.switchboard.sidecar.desired;

import java.util.Objects;

/**
 * What one node should run for one plugin.
 *
 * @param desired whether the plugin should be active on this node
 * @param artifact the artifact for this node (canary's inside the canary), or null when none is valid
 * @param configJson canonical JSON object text ({@code "{}"} when no config key)
 * @param inCanary whether the node is inside the canary
 * @param error why the desired state is not (fully) valid, naming keys; null when valid
 * @param traffic the second version live beside {@code artifact} with calls shared, or null: {@code artifact} alone
 *     (also when the {@code traffic} key names {@code artifact} itself as its second version, as during a promotion)
 */
public record Resolution(
    String plugin, boolean desired, ArtifactRef artifact, String configJson, boolean inCanary, String error, Traffic traffic) {
  public Resolution {
    Objects.requireNonNull(plugin, "plugin == null");
    Objects.requireNonNull(configJson, "configJson == null");
  }

  /** A resolution with one version. */
  public Resolution(String plugin, boolean desired, ArtifactRef artifact, String configJson, boolean inCanary, String error) {
    this(plugin, desired, artifact, configJson, inCanary, error, null);
  }

  /** Desired and runnable: an artifact is known. */
  public boolean runnable() {
    return desired && artifact != null;
  }
}
