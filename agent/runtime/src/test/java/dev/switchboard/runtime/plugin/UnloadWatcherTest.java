package dev.switchboard.runtime.plugin;

import static dev.switchboard.runtime.plugin.TestPlugins.activate;
import static dev.switchboard.runtime.plugin.TestPlugins.deactivate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.UnloadOutcome;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unload check without a full GC on the deactivation path: passive, delayed, rate-limited, on demand. */
class UnloadWatcherTest {
  @TempDir Path dir;
  private final AtomicInteger forced = new AtomicInteger();
  private UnloadWatcher watcher;

  @AfterEach
  void tearDown() {
    if (watcher != null) watcher.close();
  }

  private UnloadWatcher watcher(Duration delay, Duration interval) {
    watcher = new UnloadWatcher(delay, interval, () -> {
      forced.incrementAndGet();
      System.gc();
    });
    return watcher;
  }

  private static URLClassLoader loader() {
    return new URLClassLoader(new URL[0], null);
  }

  @Test
  void deactivationWithProductionDefaultsForcesNoCollectionAndTheOnDemandCheckProvesTheUnload() throws Exception {
    PluginManagerConfig cfg = TestPlugins.settings().collectWait(Duration.ZERO)
        .unloadGcDelay(PluginManagerConfig.builder().build().unloadGcDelay())
        .unloadGcInterval(PluginManagerConfig.builder().build().unloadGcInterval()).build();
    assertThat(cfg.unloadGcDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(PluginManagerConfig.builder().build().collectWait()).isEqualTo(Duration.ZERO);
    Path jar = TestPlugins.greeter(dir, "quiet", "1.0.0", null, null, null, false).build();
    try (PluginManager m = PluginManager.builder().config(cfg).build()) {
      assertThat(activate(m, "quiet", jar).state()).isEqualTo(PluginState.ACTIVE);
      long t0 = System.nanoTime();
      PluginStatus off = deactivate(m, "quiet");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("deactivate with the passive unload check: " + ms + " ms, unload " + off.unload());
      assertThat(off.state()).isEqualTo(PluginState.INACTIVE);
      assertThat(off.unload()).isIn(UnloadOutcome.PENDING, UnloadOutcome.COLLECTED); // collected only if a natural GC was that quick
      assertThat(m.unloadFigures().explicitGcs()).as("explicit collections on the deactivate path").isZero();

      List<PluginStatus> after = m.checkUnload().get(30, TimeUnit.SECONDS);
      assertThat(after).singleElement().satisfies(s -> {
        assertThat(s.unload()).isEqualTo(UnloadOutcome.COLLECTED);
        assertThat(s.state()).isEqualTo(PluginState.INACTIVE);
      });
      assertThat(m.status("quiet").orElseThrow().unload()).isEqualTo(UnloadOutcome.COLLECTED);
      assertThat(m.unloadFigures().explicitGcs()).isEqualTo(1);
      assertThat(m.unloadFigures().pending()).isZero();
      assertThat(m.unloadFigures().collected()).isEqualTo(1);
      assertThat(m.unloadFigures().leaked()).isZero();
    }
  }

  @Test
  void aNaturalCollectionIsEnoughWhenExplicitCollectionsAreOff() throws Exception {
    UnloadWatcher w = watcher(null, Duration.ZERO);
    CompletableFuture<UnloadOutcome> outcome = w.watch(loader(), "natural", Duration.ofSeconds(30));
    assertThat(outcome).isNotDone();
    System.gc(); // stands for the collector's own collection: not the watcher's
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(UnloadOutcome.COLLECTED);
    assertThat(forced.get()).isZero();
    assertThat(w.explicitGcs()).isZero();
  }

  @Test
  void aLoaderStillPendingAfterTheQuietPeriodGetsOneExplicitCollection() throws Exception {
    UnloadWatcher w = watcher(Duration.ofMillis(300), Duration.ZERO);
    long t0 = System.nanoTime();
    CompletableFuture<UnloadOutcome> outcome = w.watch(loader(), "quiet", Duration.ofSeconds(30));
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(UnloadOutcome.COLLECTED);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(forced.get()).as("explicit collections").isBetween(0, 1);
    // either a natural collection came first, or the forced one came only after the quiet period
    if (forced.get() == 1) assertThat(ms).isGreaterThanOrEqualTo(290);
  }

  @Test
  void explicitCollectionsAreRateLimitedAndPinnedLoadersStayPendingUntilTheirDeadline() throws Exception {
    UnloadWatcher w = watcher(Duration.ZERO, Duration.ofHours(1));
    URLClassLoader pinned = loader();
    CompletableFuture<UnloadOutcome> first = w.watch(pinned, "pinned", Duration.ofMillis(200));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> forced.get() == 1);
    CompletableFuture<UnloadOutcome> second = w.watch(loader(), "second", Duration.ofSeconds(30));
    Thread.sleep(600); // past the first one's deadline: a verdict would need a collection, the interval forbids it
    assertThat(forced.get()).as("one explicit collection per interval").isEqualTo(1);
    assertThat(first).as("no verdict without a collection after the deadline").isNotDone();
    assertThat(w.pending()).isBetween(1, 2);

    UnloadWatcher.CheckResult r = w.check(); // on demand: not rate-limited
    assertThat(forced.get()).isEqualTo(2);
    assertThat(first.get(1, TimeUnit.SECONDS)).isEqualTo(UnloadOutcome.LEAKED);
    assertThat(second.get(1, TimeUnit.SECONDS)).isEqualTo(UnloadOutcome.COLLECTED);
    assertThat(r.leaked()).isEqualTo(1);
    assertThat(r.pending()).isZero();
    assertThat(pinned).isNotNull();
  }

  @Test
  void withCollectionsOffAPinnedLoaderStaysPendingUntilTheOnDemandCheckNamesItLeaked() throws Exception {
    UnloadWatcher w = watcher(null, Duration.ZERO);
    URLClassLoader pinned = loader();
    CompletableFuture<UnloadOutcome> outcome = w.watch(pinned, "pinned", Duration.ofMillis(100));
    Thread.sleep(400);
    assertThat(outcome).isNotDone();
    assertThat(forced.get()).isZero();
    UnloadWatcher.CheckResult r = w.check();
    assertThat(outcome.get(1, TimeUnit.SECONDS)).isEqualTo(UnloadOutcome.LEAKED);
    assertThat(r.leaked()).isEqualTo(1);
    assertThat(w.explicitGcs()).isEqualTo(1);
    assertThat(pinned).isNotNull();
  }

  @Test
  void anOnDemandCheckLeavesAYoungPinnedLoaderPending() throws Exception {
    UnloadWatcher w = watcher(null, Duration.ZERO);
    URLClassLoader pinned = loader();
    CompletableFuture<UnloadOutcome> outcome = w.watch(pinned, "young", Duration.ofSeconds(30));
    UnloadWatcher.CheckResult r = w.check();
    assertThat(r.pending()).isEqualTo(1);
    assertThat(outcome).isNotDone();
    pinned = null;
    assertThat(w.check().collected()).isEqualTo(1);
    assertThat(outcome.get(1, TimeUnit.SECONDS)).isEqualTo(UnloadOutcome.COLLECTED);
  }
}
