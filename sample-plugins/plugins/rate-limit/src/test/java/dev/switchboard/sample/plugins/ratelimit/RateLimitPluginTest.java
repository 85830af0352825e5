package dev.switchboard.sample.plugins.ratelimit;

import dev.switchboard.sample.spi.testing.FakeExchange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.testing.PluginHarness;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitPluginTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private boolean pass(RateLimitPlugin p, String client) {
    return p.filter(new FakeExchange("GET", "/", client));
  }

  @Test
  void aClientGetsItsBurstThen429UntilTokensRefill() throws Exception {
    RateLimitPlugin p = new RateLimitPlugin(now::get);
    try (PluginHarness h = PluginHarness.start(p, Map.of("qps", 2, "burst", 3))) {
      assertThat(pass(p, "a")).isTrue();
      assertThat(pass(p, "a")).isTrue();
      assertThat(pass(p, "a")).isTrue();
      FakeExchange limited = new FakeExchange("GET", "/", "a");
      assertThat(p.filter(limited)).isFalse();
      assertThat(limited.status).isEqualTo(429);
      assertThat(limited.responseHeaders).containsEntry("Retry-After", "1");
      assertThat(pass(p, "b")).as("other clients have their own bucket").isTrue();
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500)); // 2 qps: one token back
      assertThat(pass(p, "a")).isTrue();
      assertThat(pass(p, "a")).isFalse();
    }
  }

  @Test
  void qpsAndBurstChangeLive() throws Exception {
    RateLimitPlugin p = new RateLimitPlugin(now::get);
    try (PluginHarness h = PluginHarness.start(p, Map.of("qps", 1, "burst", 1))) {
      assertThat(pass(p, "a")).isTrue();
      assertThat(pass(p, "a")).isFalse();
      h.reconfigure(Map.of("qps", 100, "burst", 5));
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
      int passed = 0;
      for (int i = 0; i < 10; i++) {
        passed += pass(p, "a") ? 1 : 0;
      }
      assertThat(passed).isEqualTo(5);
      assertThat(p.limits().qps()).isEqualTo(100.0);
    }
  }

  @Test
  void clientHeaderIdentifiesClientsAndIdleBucketsAreEvicted() throws Exception {
    RateLimitPlugin p = new RateLimitPlugin(now::get);
    try (PluginHarness h = PluginHarness.start(p, Map.of("qps", 1, "burst", 1, "clientHeader", "X-Client-Id", "maxClients", 2))) {
      assertThat(p.filter(new FakeExchange("GET", "/", "ip").header("X-Client-Id", "k1"))).isTrue();
      assertThat(p.filter(new FakeExchange("GET", "/", "ip").header("X-Client-Id", "k2"))).isTrue();
      assertThat(p.filter(new FakeExchange("GET", "/", "ip").header("X-Client-Id", "k1"))).isFalse();
      assertThat(p.filter(new FakeExchange("GET", "/", "ip").header("X-Client-Id", "k3"))).as("overflow bucket").isTrue();
      assertThat(p.filter(new FakeExchange("GET", "/", "ip").header("X-Client-Id", "k4"))).as("shares overflow").isFalse();
      assertThat(p.clients()).isEqualTo(3);
      now.addAndGet(TimeUnit.SECONDS.toNanos(61));
      p.evictIdle();
      assertThat(p.clients()).isZero();
      assertThat(h.stop().leakedThreads()).as("the eviction scheduler belongs to the context").isEmpty();
    }
  }
}
