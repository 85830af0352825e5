package dev.switchboard.sample.plugins.ratelimit;

/** A token bucket: refills at {@code qps} tokens per second up to {@code burst}. Thread-safe. */
final class TokenBucket {
  private double tokens;
  private long last;
  private volatile long lastUsed;

  TokenBucket(double burst, long now) {
    this.tokens = burst;
    this.last = now;
    this.lastUsed = now;
  }

  /** Takes one token if available at time {@code now} (nanoseconds). */
  synchronized boolean tryTake(double qps, double burst, long now) {
    long elapsed = Math.max(0, now - last);
    last = now;
    lastUsed = now;
    tokens = Math.min(burst, tokens + elapsed * qps / 1e9);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  long lastUsed() {
    return lastUsed;
  }
}
