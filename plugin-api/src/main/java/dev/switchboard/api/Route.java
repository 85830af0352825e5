package dev.switchboard.api;

import dev.switchboard.api.runtime.TrafficSplit;
import java.nio.charset.StandardCharsets;

/**
 * The traffic split between two owners of one plugin (immutable; a new split is a new route in a new snapshot).
 * {@link #choose} is deterministic for a given key and draw, so every extension of a plugin called in one
 * extension point call goes to the same instance.
 */
final class Route {
  /** Buckets of the hash and of the random draw. */
  static final int BUCKETS = 10_000;

  final Extensions.Owner primary;
  final Extensions.Owner secondary;
  final TrafficSplit split;
  /** Buckets [0, threshold) go to the primary. */
  private final int threshold;

  Route(Extensions.Owner primary, Extensions.Owner secondary, TrafficSplit split) {
    this.primary = primary;
    this.secondary = secondary;
    this.split = split;
    this.threshold = (int) ((long) split.primaryWeight() * BUCKETS / (split.primaryWeight() + split.secondaryWeight()));
  }

  boolean has(Extensions.Owner o) {
    return o == primary || o == secondary;
  }

  /**
   * The owner that serves a call: pinned by {@code pinAttribute}'s value when it names a pin, else by the
   * bucket of {@code hashKey}'s value when the call has one, else by {@code draw} (0..BUCKETS-1).
   */
  Extensions.Owner choose(RoutingKey key, int draw) {
    if (key != null) {
      if (split.pinAttribute() != null) {
        String v = key.attribute(split.pinAttribute());
        Boolean toSecondary = v == null ? null : split.pins().get(v);
        if (toSecondary != null) return toSecondary ? secondary : primary;
      }
      if (split.hashKey() != null) {
        String v = key.attribute(split.hashKey());
        if (v != null) return bucket(v) < threshold ? primary : secondary;
      }
    }
    return draw < threshold ? primary : secondary;
  }

  /** A stable bucket of {@code value} in [0, BUCKETS): 64-bit FNV-1a over its UTF-8 bytes, mixed. */
  static int bucket(String value) {
    long h = 0xcbf29ce484222325L;
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return (int) Math.floorMod(h, (long) BUCKETS);
  }

  @Override
  public String toString() {
    return "Route[" + primary.label() + "=" + split.primaryWeight() + ", " + secondary.label() + "=" + split.secondaryWeight() + "]";
  }
}
