package dev.switchboard.runtime.plugin;

import static dev.switchboard.runtime.plugin.TestPlugins.activate;
import static dev.switchboard.runtime.plugin.TestPlugins.deactivate;
import static dev.switchboard.runtime.plugin.TestPlugins.greeter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.UnloadOutcome;
import dev.switchboard.runtime.plugin.testspi.Greeter;
import dev.switchboard.runtime.plugin.testspi.Probe;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLifecycleTest {
  private static final ExtensionPoint<Greeter> GREETERS = Extensions.point(Greeter.class);

  @TempDir Path dir;
  private PluginManager manager;
  private final List<PluginStatus> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    Probe.reset();
    manager = TestPlugins.manager();
    manager.addListener(events::add);
  }

  @AfterEach
  void tearDown() {
    manager.close();
    assertThat(GREETERS.isEmpty()).as("no extension left after close").isTrue();
  }

  private List<String> greetings() {
    List<String> out = new CopyOnWriteArrayList<>();
    GREETERS.forEach((g, list) -> list.add(g.greet("bob")), out);
    return out;
  }

  @Test
  void activateMakesTheExtensionVisibleAndDeactivateUnloadsTheLoader() throws Exception {
    Path jar = greeter(dir, "greeter", "1.0.0").build();
    PluginStatus active = activate(manager, "greeter", jar, "{\"greeting\":\"hi\"}");
    assertThat(active.state()).as(active.toString()).isEqualTo(PluginState.ACTIVE);
    assertThat(active.version()).isEqualTo("1.0.0");
    assertThat(active.sha256()).isEqualTo(PluginJarBuilder.sha256(jar));
    assertThat(active.error()).isNull();
    assertThat(greetings()).containsExactly("hi bob from greeter@1.0.0");

    PluginStatus inactive = deactivate(manager, "greeter");
    assertThat(inactive.state()).isEqualTo(PluginState.INACTIVE);
    assertThat(inactive.unload()).isEqualTo(UnloadOutcome.COLLECTED);
    assertThat(inactive.leakedThreads()).isEmpty();
    assertThat(greetings()).isEmpty();
    assertThat(Probe.EVENTS).containsExactly("start greeter@1.0.0", "stop greeter@1.0.0");
    assertThat(events.stream().map(PluginStatus::state).collect(Collectors.toList())).containsExactly(
        PluginState.LOADING, PluginState.STARTING, PluginState.ACTIVE, PluginState.STOPPING, PluginState.INACTIVE);
    assertThat(manager.statuses()).containsExactly(inactive);
  }

  @Test
  void activatingExactlyWhatIsActiveIsANoOp() throws Exception {
    Path jar = greeter(dir, "same", "1.0.0").build();
    PluginStatus first = activate(manager, "same", jar, "{\"greeting\":\"hi\"}");
    int eventsBefore = events.size();
    PluginStatus again = activate(manager, "same", jar, "{ \"greeting\" : \"hi\" }");
    assertThat(again).isEqualTo(first);
    assertThat(events).hasSize(eventsBefore);
    assertThat(Probe.count("start same@1.0.0")).isEqualTo(1);
  }

  @Test
  void startThatThrowsFailsAndRollsBackEverything() throws Exception {
    Path jar = greeter(dir, "throws-in-start", "1.0.0",
        "ctx.threadFactory().newThread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }).start();"
            + " ctx.closeOnStop(() -> Probe.event(\"closed\"));"
            + " throw new IllegalStateException(\"boom\");",
        null, null, false).build();
    PluginStatus s = activate(manager, "throws-in-start", jar);
    assertThat(s.state()).isEqualTo(PluginState.FAILED);
    assertThat(s.error()).startsWith("start: java.lang.IllegalStateException: boom");
    assertThat(s.unload()).isEqualTo(UnloadOutcome.COLLECTED);
    assertThat(s.leakedThreads()).containsExactly("plugin-throws-in-start-1");
    assertThat(Probe.EVENTS).containsExactly("start throws-in-start@1.0.0", "closed");
    assertThat(greetings()).as("staged registration never published").isEmpty();
  }

  @Test
  void startThatHangsIsAbandonedAfterTheTimeout() throws Exception {
    Path jar = greeter(dir, "hangs-in-start", "1.0.0", "Thread.sleep(600_000);", null, null, false).build();
    PluginStatus s = activate(manager, "hangs-in-start", jar);
    assertThat(s.state()).isEqualTo(PluginState.FAILED);
    assertThat(s.error()).isEqualTo(
        "start: timed out after 3s (thread switchboard-hangs-in-start-start interrupted and abandoned)");
    assertThat(greetings()).isEmpty();
  }

  @Test
  void stopThatHangsIsAbandonedAndReportedFailed() throws Exception {
    Path jar = greeter(dir, "hangs-in-stop", "1.0.0", null,
        "while (true) { try { Thread.sleep(600_000); } catch (InterruptedException e) { Probe.event(\"stop interrupted\"); return; } }",
        null, false).build();
    assertThat(activate(manager, "hangs-in-stop", jar).state()).isEqualTo(PluginState.ACTIVE);
    PluginStatus s = deactivate(manager, "hangs-in-stop");
    assertThat(s.state()).isEqualTo(PluginState.FAILED);
    assertThat(s.error()).startsWith("stop: timed out after 1s");
    assertThat(greetings()).as("extensions were unregistered before stop").isEmpty();
    assertThat(Probe.EVENTS).contains("stop interrupted");
    assertThat(s.unload()).isIn(UnloadOutcome.COLLECTED, UnloadOutcome.PENDING);
    // a later activation leaves FAILED
    assertThat(activate(manager, "hangs-in-stop", jar).state()).isEqualTo(PluginState.ACTIVE);
  }

  @Test
  void threadsLeftBehindAreInterruptedAndReported() throws Exception {
    Path jar = greeter(dir, "leaks-thread", "1.0.0",
        "Thread t = new Thread(() -> { while (true) { try { Thread.sleep(60_000); } catch (InterruptedException e) {"
            + " Probe.event(\"leaked thread interrupted\"); return; } } }, \"leaky-worker\"); t.setDaemon(true); t.start();"
            + " ctx.newScheduler(1).scheduleAtFixedRate(() -> { }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);",
        null, null, false).build();
    assertThat(activate(manager, "leaks-thread", jar).state()).isEqualTo(PluginState.ACTIVE);
    PluginStatus s = deactivate(manager, "leaks-thread");
    assertThat(s.state()).isEqualTo(PluginState.INACTIVE);
    assertThat(s.leakedThreads()).as("the scheduler the context owns is not a leak").containsExactly("leaky-worker");
    assertThat(Probe.EVENTS).contains("leaked thread interrupted");
    assertThat(s.unload()).isEqualTo(UnloadOutcome.COLLECTED);
  }

  @Test
  void deactivateWaitsForCallsInFlightBeforeStopping() throws Exception {
    Path jar = greeter(dir, "slow", "1.0.0", null, null, null, false)
        .source("demo.GreeterPlugin", """
            package demo;
            import dev.switchboard.api.*;
            import dev.switchboard.runtime.plugin.testspi.*;
            public class GreeterPlugin implements Plugin {
              public void start(PluginContext ctx) {
                ctx.register(Greeter.class, name -> {
                  Probe.entered.countDown();
                  try { Probe.gate.await(); } catch (InterruptedException e) { throw new RuntimeException(e); }
                  Probe.event("call returned");
                  return "slow " + name;
                });
              }
              public void stop() { Probe.event("stop"); }
            }
            """).build();
    assertThat(activate(manager, "slow", jar).state()).isEqualTo(PluginState.ACTIVE);
    Probe.gate = new java.util.concurrent.CountDownLatch(1);
    Probe.entered = new java.util.concurrent.CountDownLatch(1);
    Thread caller = new Thread(() -> GREETERS.forEach(g -> g.greet("x")));
    caller.start();
    assertThat(Probe.entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    var pending = manager.deactivate("slow");
    Thread.sleep(300);
    assertThat(pending).as("still draining").isNotDone();
    assertThat(Probe.EVENTS).doesNotContain("stop");
    assertThat(GREETERS.isEmpty()).as("unregistered before draining").isTrue();
    Probe.gate.countDown();
    PluginStatus s = pending.get(30, java.util.concurrent.TimeUnit.SECONDS);
    caller.join(5000);
    assertThat(s.state()).isEqualTo(PluginState.INACTIVE);
    assertThat(Probe.EVENTS).containsExactly("call returned", "stop");
  }

  @Test
  void deactivatingAnUnknownPluginIsInactive() throws Exception {
    PluginStatus s = deactivate(manager, "never-seen");
    assertThat(s.state()).isEqualTo(PluginState.INACTIVE);
    assertThat(manager.statuses()).isEmpty();
  }

  @Test
  void aThrowingListenerDoesNotBreakTheManager() throws Exception {
    manager.addListener(st -> {
      throw new IllegalStateException("listener bug");
    });
    Path jar = greeter(dir, "listened", "1.0.0").build();
    assertThat(activate(manager, "listened", jar).state()).isEqualTo(PluginState.ACTIVE);
    assertThat(events).isNotEmpty();
  }
}
