package dev.switchboard.api.runtime;

import java.util.Map;
import java.util.Objects;

/**
 * How calls are shared between two live instances of one plugin: weights (their ratio is the share), an
 * optional attribute whose value is hashed so the same value always reaches the same instance (for a given
 * weight; raising one side's weight only moves values to it), and an optional attribute whose values pin a
 * call to one instance.
 *
 * @param primaryWeight weight of the instance that ran first (0..10000)
 * @param secondaryWeight weight of the instance started beside it (0..10000); the sum is positive
 * @param hashKey attribute name whose value is hashed, or null (a random draw per call)
 * @param pinAttribute attribute name whose values pin calls, or null
 * @param pins attribute value → true for the secondary, false for the primary
 */
public record TrafficSplit(int primaryWeight, int secondaryWeight, String hashKey, String pinAttribute, Map<String, Boolean> pins) {
  public TrafficSplit {
    if (primaryWeight < 0 || primaryWeight > 10_000) throw new IllegalArgumentException("primaryWeight not in 0..10000: " + primaryWeight);
    if (secondaryWeight < 0 || secondaryWeight > 10_000) throw new IllegalArgumentException("secondaryWeight not in 0..10000: " + secondaryWeight);
    if (primaryWeight + secondaryWeight == 0) throw new IllegalArgumentException("weights are both 0");
    pins = Map.copyOf(Objects.requireNonNull(pins, "pins == null"));
    if (!pins.isEmpty() && pinAttribute == null) throw new IllegalArgumentException("pins " + pins.keySet() + " without a pinAttribute");
  }

  /** Every call to the primary. */
  public static TrafficSplit primaryOnly() {
    return new TrafficSplit(1, 0, null, null, Map.of());
  }
}
