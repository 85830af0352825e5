package dev.switchboard.control;

import java.util.Map;
import java.util.Objects;

/**
 * Asks the runtime to share one plugin's calls between the version that is active and a second one, or to end
 * that: {@code SPLIT} starts {@code jar} beside the active instance (or keeps it when it runs already) and sets
 * the weights, hash key and pins; {@code PROMOTE} keeps the second version alone, {@code ABORT} the first; the
 * other one is drained, stopped and unloaded as after an upgrade.
 *
 * @param pluginId plugin id
 * @param action what to do
 * @param jar the second version (SPLIT only, else null); its descriptor version must differ from the active one's
 * @param weights version → weight (0..10000), exactly the two versions (SPLIT only)
 * @param hashKey call attribute whose value is hashed to pick a version, or null
 * @param pinHeader call attribute whose values pin a call, or null
 * @param pins attribute value → version
 */
public record TrafficRequest(String pluginId, Action action, ActivateRequest jar, Map<String, Integer> weights, String hashKey,
    String pinHeader, Map<String, String> pins) {
  /** What a traffic request does. */
  public enum Action { SPLIT, PROMOTE, ABORT }

  public TrafficRequest {
    Objects.requireNonNull(pluginId, "pluginId == null");
    Objects.requireNonNull(action, "action == null");
    weights = weights == null ? Map.of() : Map.copyOf(weights);
    pins = pins == null ? Map.of() : Map.copyOf(pins);
    if (action == Action.SPLIT) {
      Objects.requireNonNull(jar, "jar == null for SPLIT");
      if (weights.size() != 2) throw new IllegalArgumentException("weights must name two versions: " + weights);
      for (Map.Entry<String, Integer> e : weights.entrySet()) {
        if (e.getValue() < 0 || e.getValue() > 10_000) {
          throw new IllegalArgumentException("weight of " + e.getKey() + " not in 0..10000: " + e.getValue());
        }
      }
      if (weights.values().stream().mapToInt(Integer::intValue).sum() == 0) throw new IllegalArgumentException("weights are all 0: " + weights);
      if (!pins.isEmpty() && pinHeader == null) throw new IllegalArgumentException("pins without a pin header: " + pins);
    }
  }

  public static TrafficRequest finish(String pluginId, Action action) {
    if (action == Action.SPLIT) throw new IllegalArgumentException("finish with SPLIT");
    return new TrafficRequest(pluginId, action, null, Map.of(), null, null, Map.of());
  }
}
