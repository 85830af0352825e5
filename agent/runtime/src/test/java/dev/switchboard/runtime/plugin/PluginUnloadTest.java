package dev.switchboard.runtime.plugin;

import static dev.switchboard.runtime.plugin.TestPlugins.activate;
import static dev.switchboard.runtime.plugin.TestPlugins.deactivate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.UnloadOutcome;
import dev.switchboard.runtime.plugin.testspi.Probe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unload outcome when the loader is not collected at once: pending, then an event. */
class PluginUnloadTest {
  /** A thread that ignores interrupts until the host releases it (Probe.gate). */
  private static final String STUBBORN_THREAD = """
      Thread t = new Thread(() -> {
        while (true) {
          try { Probe.gate.await(); return; } catch (InterruptedException e) { Probe.event("ignored interrupt"); }
        }
      }, "stubborn");
      t.setDaemon(true);
      t.start();
      """;

  @TempDir Path dir;
  private PluginManager manager;
  private final List<PluginStatus> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    Probe.reset();
    Probe.gate = new java.util.concurrent.CountDownLatch(1);
    manager = PluginManager.builder().config(TestPlugins.settings()
        .collectWait(Duration.ofMillis(300)).collectTimeout(Duration.ofSeconds(4)).build()).build();
    manager.addListener(events::add);
  }

  @AfterEach
  void tearDown() {
    Probe.gate.countDown();
    manager.close();
  }

  @Test
  void aLoaderPinnedForAWhileIsReportedPendingThenCollected() throws Exception {
    Path jar = TestPlugins.greeter(dir, "slow-unload", "1.0.0", STUBBORN_THREAD, null, null, false).build();
    assertThat(activate(manager, "slow-unload", jar).state()).isEqualTo(PluginState.ACTIVE);
    PluginStatus off = deactivate(manager, "slow-unload");
    assertThat(off.state()).isEqualTo(PluginState.INACTIVE);
    assertThat(off.unload()).isEqualTo(UnloadOutcome.PENDING);
    assertThat(off.leakedThreads()).containsExactly("stubborn (still running)");
    Probe.gate.countDown(); // the thread ends, the loader becomes unreachable
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> manager.status("slow-unload").orElseThrow().unload() == UnloadOutcome.COLLECTED);
    PluginStatus last = events.get(events.size() - 1);
    assertThat(last.unload()).isEqualTo(UnloadOutcome.COLLECTED);
    assertThat(last.state()).isEqualTo(PluginState.INACTIVE);
    assertThat(last.leakedThreads()).containsExactly("stubborn (still running)");
  }

  @Test
  void aLoaderThatStaysPinnedIsReportedLeaked() throws Exception {
    Path jar = TestPlugins.greeter(dir, "pinned", "1.0.0", STUBBORN_THREAD, null, null, false).build();
    activate(manager, "pinned", jar);
    PluginStatus off = deactivate(manager, "pinned");
    assertThat(off.unload()).isEqualTo(UnloadOutcome.PENDING);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> manager.status("pinned").orElseThrow().unload() == UnloadOutcome.LEAKED);
    assertThat(events.get(events.size() - 1).unload()).isEqualTo(UnloadOutcome.LEAKED);
    assertThat(Probe.EVENTS).contains("ignored interrupt");
  }
}
