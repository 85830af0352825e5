package dev.switchboard.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The one retry rule of the agent and the bridge: the first retry waits {@code initial}, each further one twice
 * as long, never more than {@code max}. Used by the store watches, the host supervisor and the reconciler
 * (artifact fetches use Failsafe's policy with the same shape).
 *
 * @param initial the first delay, positive
 * @param max the largest delay, at least {@code initial}
 */
public record Backoff(Duration initial, Duration max) {
  public Backoff {
    Objects.requireNonNull(initial, "initial == null");
    Objects.requireNonNull(max, "max == null");
    if (initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("initial is not positive: " + initial);
    if (max.compareTo(initial) < 0) throw new IllegalArgumentException("max " + max + " is below initial " + initial);
  }

  /** The delay before retry number {@code attempt} (1 for the first): {@code initial · 2^(attempt-1)}, at most {@code max}. */
  public Duration delay(int attempt) {
    if (attempt < 1) throw new IllegalArgumentException("attempt is below 1: " + attempt);
    long ms = initial.toMillis() << Math.min(20, attempt - 1);
    return Duration.ofMillis(Math.min(max.toMillis(), ms));
  }

  /**
   * {@code delayMillis} spread uniformly over {@code [delayMillis / 2, delayMillis]} ("equal jitter"): clients that
   * lost a store at the same moment (a restart) do not all come back at the same moment, and no retry waits longer
   * than the un-jittered delay.
   */
  public static long jitter(long delayMillis) {
    if (delayMillis < 0) throw new IllegalArgumentException("delayMillis is negative: " + delayMillis);
    long half = delayMillis / 2;
    return half + java.util.concurrent.ThreadLocalRandom.current().nextLong(delayMillis - half + 1);
  }

  /** For loops that keep the current delay: the delay after {@code currentMillis}, doubled and capped. */
  public long nextMillis(long currentMillis) {
    return Math.min(max.toMillis(), Math.max(initial.toMillis(), currentMillis) * 2);
  }
}
