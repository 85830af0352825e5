package dev.switchboard.api.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.Extensions;
import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginContext;
import dev.switchboard.api.Reconfigurable;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PluginHarnessTest {
  interface Greeting extends Supplier<String> {}

  static final class Polite implements Plugin, Reconfigurable {
    volatile String word;
    boolean stopped;

    @Override
    public void start(PluginContext ctx) {
      word = ctx.config().string("word", "hello");
      ctx.newScheduler(1).scheduleAtFixedRate(() -> { }, 1, 1, TimeUnit.MILLISECONDS);
      ctx.register(Greeting.class, () -> word + " from " + ctx.pluginId());
    }

    @Override
    public void reconfigure(PluginConfig config) {
      word = config.string("word", "hello");
    }

    @Override
    public void stop() {
      stopped = true;
    }
  }

  static final class Leaky implements Plugin {
    @Override
    public void start(PluginContext ctx) {
      ctx.threadFactory().newThread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }).start();
    }
  }

  @Test
  void startsAPluginWithConfigAndExposesItsExtensions() throws Exception {
    Polite p = new Polite();
    PluginHarness h = PluginHarness.start(p, Map.of("word", "hi"));
    assertThat(h.extension(Greeting.class).get()).isEqualTo("hi from test-plugin");
    assertThat(Extensions.point(Greeting.class).size()).isEqualTo(1);
    h.reconfigure(Map.of("word", "yo"));
    assertThat(h.extension(Greeting.class).get()).isEqualTo("yo from test-plugin");
    assertThat(h.context().config().string("word", null)).isEqualTo("yo");
    PluginHarness.StopReport r = h.stop();
    assertThat(p.stopped).isTrue();
    assertThat(r.clean()).as(r.toString()).isTrue();
    assertThat(Extensions.point(Greeting.class).isEmpty()).isTrue();
    assertThat(h.stop()).isSameAs(r);
  }

  @Test
  void reportsThreadsThePluginLeftRunning() throws Exception {
    PluginHarness h = PluginHarness.start(new Leaky(), "leaky", "1.0", Map.of());
    PluginHarness.StopReport r = h.stop();
    assertThat(r.leakedThreads()).containsExactly("plugin-leaky-1");
    assertThat(r.clean()).isFalse();
  }

  @Test
  void aFailingStartIsRethrownAfterCleanup() {
    Plugin failing = ctx -> {
      ctx.register(Greeting.class, () -> "never");
      throw new IllegalStateException("cannot start");
    };
    assertThatThrownBy(() -> PluginHarness.start(failing, Map.of())).hasMessage("cannot start");
    assertThat(Extensions.point(Greeting.class).isEmpty()).isTrue();
  }
}
