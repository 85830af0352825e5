package dev.switchboard.sidecar.reconcile;

import dev.switchboard.sidecar.desired.Traffic;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The second version a runtime runs beside a plugin's first with calls shared, as the reconciler last set it (or read
 * it from the runtime's {@code stats.traffic} when it re-adopts a runtime): compared with the desired {@link Traffic}
 * to decide whether a traffic request is needed.
 *
 * @param secondSha256 sha256 of the second version's jar
 * @param weights version → weight
 * @param hashKey hashed call attribute, or null
 * @param pinHeader pinning call attribute, or null
 * @param pins attribute value → version
 */
public record LiveSplit(String secondSha256, Map<String, Integer> weights, String hashKey, String pinHeader,
    Map<String, String> pins) {
  public LiveSplit {
    Objects.requireNonNull(secondSha256, "secondSha256 == null");
    weights = Map.copyOf(weights);
    pins = Map.copyOf(pins);
  }

  public static LiveSplit of(Traffic t) {
    return new LiveSplit(t.artifact().sha256(), t.weights(), t.hashKey(), t.pinHeader(), t.pins());
  }

  /**
   * From one plugin's entry of the runtime's {@code stats.traffic} ({@code versions} → {@code {weight, calls,
   * sha256}}, {@code hashKey}, {@code pinHeader}, {@code pins}); the second version is the one whose sha256 is not
   * {@code primarySha256}. Null when the entry does not have that shape.
   */
  @SuppressWarnings("unchecked")
  static LiveSplit fromFigures(Object entry, String primarySha256) {
    if (!(entry instanceof Map<?, ?> m) || !(m.get("versions") instanceof Map<?, ?> versions) || primarySha256 == null) return null;
    Map<String, Integer> weights = new LinkedHashMap<>();
    String second = null;
    for (Map.Entry<?, ?> e : versions.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> v) || !(v.get("weight") instanceof Number w) || !(v.get("sha256") instanceof String sha)) {
        return null;
      }
      weights.put(String.valueOf(e.getKey()), w.intValue());
      if (!sha.equalsIgnoreCase(primarySha256)) second = sha.toLowerCase(java.util.Locale.ROOT);
    }
    if (second == null) return null;
    Map<String, String> pins = new LinkedHashMap<>();
    if (m.get("pins") instanceof Map<?, ?> p) p.forEach((k, v) -> pins.put(String.valueOf(k), String.valueOf(v)));
    return new LiveSplit(second, weights, (String) m.get("hashKey"), (String) m.get("pinHeader"), pins);
  }
}
