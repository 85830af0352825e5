package dev.switchboard.sidecar.desired;

import java.util.Map;
import java.util.Objects;

/**
 * Two versions of a plugin live on a node with calls shared (the {@code traffic} key): the weights of both versions,
 * the second version's artifact (the first is the plugin's {@code artifact}, or the canary's inside a canary), an
 * optional call attribute whose value is hashed, and optional pins (values of one attribute that send a call to one
 * version).
 *
 * @param weights version → weight (0..10000), exactly two versions, the sum positive
 * @param artifact the second version's jar; its {@code version} is one of the two
 * @param hashKey call attribute whose value is hashed (the same value keeps its version), or null: a random draw
 * @param pinHeader call attribute whose values pin a call, or null (then {@code pins} is empty)
 * @param pins attribute value → version (one of the two)
 */
public record Traffic(Map<String, Integer> weights, ArtifactRef artifact, String hashKey, String pinHeader,
    Map<String, String> pins) {
  public static final int MAX_WEIGHT = 10_000;

  public Traffic {
    weights = Map.copyOf(Objects.requireNonNull(weights, "weights == null"));
    Objects.requireNonNull(artifact, "artifact == null");
    pins = pins == null ? Map.of() : Map.copyOf(pins);
    if (weights.size() != 2) throw new IllegalArgumentException("weights must name two versions: " + weights);
    if (artifact.version() == null || !weights.containsKey(artifact.version())) {
      throw new IllegalArgumentException("artifact version " + artifact.versionText() + " is not one of " + weights.keySet());
    }
    for (Map.Entry<String, Integer> e : weights.entrySet()) {
      if (e.getValue() < 0 || e.getValue() > MAX_WEIGHT) {
        throw new IllegalArgumentException("weight of " + e.getKey() + " outside 0.." + MAX_WEIGHT + ": " + e.getValue());
      }
    }
    if (weights.values().stream().mapToInt(Integer::intValue).sum() == 0) throw new IllegalArgumentException("weights are all 0: " + weights);
    if (!pins.isEmpty() && pinHeader == null) throw new IllegalArgumentException("pins without a header: " + pins);
    for (Map.Entry<String, String> e : pins.entrySet()) {
      if (!weights.containsKey(e.getValue())) {
        throw new IllegalArgumentException("pin " + e.getKey() + " names version " + e.getValue() + ", not one of " + weights.keySet());
      }
    }
  }

  /** The version of the second artifact. */
  public String secondVersion() {
    return artifact.version();
  }
}
