package dev.switchboard.sample.plugins.ratelimit;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginContext;
import dev.switchboard.api.Reconfigurable;
import dev.switchboard.sample.spi.Exchange;
import dev.switchboard.sample.spi.RequestFilter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Token bucket per client (the {@code clientHeader} request header if configured and present, else
 * the client address): {@code qps} tokens per second, at most {@code burst}; an empty bucket
 * answers {@code 429} with {@code Retry-After}. {@code qps}/{@code burst} change live
 * (reconfigure); existing buckets keep their tokens, capped at the new burst. Idle buckets are
 * dropped every 10 s by a scheduler the context owns; at most {@code maxClients} buckets exist
 * (beyond that, new clients share one overflow bucket).
 */
public final class RateLimitPlugin implements Plugin, Reconfigurable, RequestFilter {
  /** Immutable limits, swapped as a whole. */
  record Limits(double qps, double burst, String clientHeader, int maxClients) {
    static Limits of(PluginConfig c) {
      double qps = c.number("qps", 10);
      long burst = c.longValue("burst", Math.max(1, (long) Math.ceil(qps)));
      if (!(qps > 0)) {
        throw new IllegalArgumentException("qps must be > 0: " + qps);
      }
      if (burst < 1) {
        throw new IllegalArgumentException("burst must be >= 1: " + burst);
      }
      return new Limits(qps, burst, c.string("clientHeader", null), (int) c.longValue("maxClients", 10_000));
    }
  }

  static final String OVERFLOW = "\u0000overflow";

  private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private volatile Limits limits;

  public RateLimitPlugin() {
    this(System::nanoTime);
  }

  RateLimitPlugin(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public void start(PluginContext ctx) {
    limits = Limits.of(ctx.config());
    ctx.newScheduler(1).scheduleWithFixedDelay(this::evictIdle, 10, 10, TimeUnit.SECONDS);
    ctx.register(RequestFilter.class, this);
  }

  @Override
  public void reconfigure(PluginConfig config) {
    limits = Limits.of(config);
  }

  @Override
  public boolean filter(Exchange ex) {
    Limits l = limits;
    String client = l.clientHeader() == null ? null : ex.requestHeader(l.clientHeader());
    if (client == null) {
      client = ex.clientAddress();
    }
    long now = clock.getAsLong();
    TokenBucket b = buckets.get(client);
    if (b == null) {
      String key = buckets.size() >= l.maxClients() ? OVERFLOW : client;
      b = buckets.computeIfAbsent(key, k -> new TokenBucket(l.burst(), now));
    }
    if (b.tryTake(l.qps(), l.burst(), now)) {
      return true;
    }
    ex.setResponseHeader("Retry-After", Long.toString(Math.max(1, (long) Math.ceil(1 / l.qps()))));
    ex.setResponseHeader("X-RateLimit-Limit", l.qps() + ";burst=" + (long) l.burst());
    ex.respond(429, "rate limit exceeded\n");
    return false;
  }

  void evictIdle() {
    long idleBefore = clock.getAsLong() - TimeUnit.SECONDS.toNanos(60);
    buckets.entrySet().removeIf(e -> e.getValue().lastUsed() - idleBefore < 0);
  }

  int clients() {
    return buckets.size();
  }

  Limits limits() {
    return limits;
  }
}
