package dev.switchboard.runtime.plugin;

import static dev.switchboard.runtime.plugin.TestPlugins.activate;
import static dev.switchboard.runtime.plugin.TestPlugins.deactivate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.UnloadOutcome;
import dev.switchboard.runtime.plugin.testspi.Greeter;
import dev.switchboard.runtime.plugin.testspi.Probe;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many load/unload cycles: every loader collected, metaspace back within a small bound. */
class PluginCyclesTest {
  private static final int CYCLES = 200;
  private static final int WARM_UP = 10;
  private static final long METASPACE_BOUND = 6L << 20;
  private static final ExtensionPoint<Greeter> GREETERS = Extensions.point(Greeter.class);

  @TempDir Path dir;

  @Test
  void twoHundredActivateDeactivateCyclesCollectEveryLoaderAndMetaspaceStaysBounded() throws Exception {
    Probe.reset();
    Path[] jars = {
      busyPlugin(dir, "1.0.0").build(), busyPlugin(dir, "2.0.0").build()
    };
    List<UnloadOutcome> unloads = new ArrayList<>();
    try (PluginManager m = TestPlugins.manager()) {
      long before = 0;
      for (int i = 0; i < WARM_UP + CYCLES; i++) {
        if (i == WARM_UP) {
          before = metaspaceUsedAfterGc();
        }
        PluginStatus on = activate(m, "cycler", jars[i % 2]);
        assertThat(on.state()).as("cycle " + i + ": " + on).isEqualTo(PluginState.ACTIVE);
        List<String> out = new ArrayList<>();
        String who = "c" + i;
        GREETERS.forEach((g, l) -> l.add(g.greet(who)), out);
        assertThat(out).hasSize(1);
        PluginStatus off = deactivate(m, "cycler");
        assertThat(off.state()).as("cycle " + i + ": " + off).isEqualTo(PluginState.INACTIVE);
        assertThat(off.leakedThreads()).isEmpty();
        unloads.add(off.unload());
      }
      long after = metaspaceUsedAfterGc();
      long collected = unloads.stream().filter(UnloadOutcome.COLLECTED::equals).count();
      System.out.printf("plugin cycles: %d activate/deactivate cycles (+%d warm-up), loaders collected %d/%d,"
          + " metaspace used before %.2f MiB, after %.2f MiB, delta %+.1f KiB%n",
          CYCLES, WARM_UP, collected, unloads.size(), before / 1048576.0, after / 1048576.0, (after - before) / 1024.0);
      assertThat(unloads).as("every class loader collected").containsOnly(UnloadOutcome.COLLECTED);
      assertThat(after - before).as("metaspace growth over " + CYCLES + " cycles").isLessThan(METASPACE_BOUND);
    }
    assertThat(GREETERS.isEmpty()).isTrue();
  }

  private static long metaspaceUsedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals("Metaspace")) {
        return pool.getUsage().getUsed();
      }
    }
    throw new IllegalStateException("no Metaspace memory pool");
  }

  /** A plugin with a few classes, lambdas, an executor, a scheduler and a resource. */
  private static PluginJarBuilder busyPlugin(Path dir, String version) {
    return PluginJarBuilder.plugin(dir, "cycler").version(version).entry("demo.Busy")
        .source("demo.Busy", """
            package demo;
            import dev.switchboard.api.*;
            import dev.switchboard.runtime.plugin.testspi.*;
            import java.util.concurrent.*;
            public class Busy implements Plugin {
              private final Counter counter = new Counter();
              public void start(PluginContext ctx) throws Exception {
                ScheduledExecutorService s = ctx.newScheduler(1);
                s.scheduleAtFixedRate(counter::tick, 1, 1, TimeUnit.MILLISECONDS);
                ExecutorService e = ctx.newExecutor(2);
                e.submit(() -> counter.tick()).get();
                ctx.closeOnStop(counter);
                ctx.register(Greeter.class, new Answer(ctx.version(), counter));
              }
            }
            """)
        .source("demo.Counter", """
            package demo;
            import java.util.concurrent.atomic.AtomicLong;
            public class Counter implements AutoCloseable {
              final AtomicLong n = new AtomicLong();
              void tick() { n.incrementAndGet(); }
              public void close() { n.set(-1); }
            }
            """)
        .source("demo.Answer", """
            package demo;
            import dev.switchboard.runtime.plugin.testspi.Greeter;
            record Answer(String version, Counter counter) implements Greeter {
              public String greet(String name) { return name + " " + version + " " + counter.n.get(); }
            }
            """);
  }
}
