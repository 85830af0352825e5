package dev.switchboard.fleet;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.RuntimeInfo;
import dev.switchboard.control.UnloadOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A host stand-in on the agent's side of the control channel: it acknowledges every activation as ACTIVE and every
 * deactivation as INACTIVE after a fixed delay (what a real runtime's load+start or stop+unload takes), on a timer
 * shared by the agents of one JVM. No class is loaded: the fleet harness measures the stores and the agents, not
 * the runtime (the runtime has its own benchmarks).
 */
public final class StandInHost implements RuntimeConnection {
  private final long pid;
  private final Duration ackDelay;
  private final ScheduledExecutorService timer;
  private final Map<String, PluginStatus> plugins = new ConcurrentHashMap<>();
  private volatile boolean open = true;

  /**
   * @param ackDelay how long each activation and deactivation takes before it is answered, zero or more
   */
  public StandInHost(long pid, Duration ackDelay, ScheduledExecutorService timer) {
    if (ackDelay.isNegative()) throw new IllegalArgumentException("ackDelay is negative: " + ackDelay);
    this.pid = pid;
    this.ackDelay = ackDelay;
    this.timer = timer;
  }

  @Override
  public RuntimeInfo info() {
    return new RuntimeInfo("stand-in", 1, "1.0", pid, "17", List.of(), List.of());
  }

  @Override
  public CompletableFuture<PluginStatus> activate(ActivateRequest r) {
    return later(() -> {
      PluginStatus s = new PluginStatus(r.pluginId(), PluginState.ACTIVE, "v-" + r.sha256().substring(0, 8), r.sha256(),
          now(), null, null, List.of());
      plugins.put(r.pluginId(), s);
      return s;
    });
  }

  @Override
  public CompletableFuture<PluginStatus> deactivate(String pluginId) {
    return later(() -> {
      plugins.remove(pluginId);
      return new PluginStatus(pluginId, PluginState.INACTIVE, null, null, now(), null, UnloadOutcome.COLLECTED, List.of());
    });
  }

  private CompletableFuture<PluginStatus> later(java.util.function.Supplier<PluginStatus> answer) {
    CompletableFuture<PluginStatus> f = new CompletableFuture<>();
    timer.schedule(() -> {
      try {
        f.complete(answer.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    }, ackDelay.toNanos(), TimeUnit.NANOSECONDS);
    return f;
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  @Override
  public CompletableFuture<List<PluginStatus>> status() {
    return CompletableFuture.completedFuture(List.copyOf(plugins.values()));
  }

  @Override
  public void onEvent(Consumer<PluginStatus> listener) {
    // the stand-in pushes no events: every state change answers a request
  }

  @Override
  public void onClosed(Consumer<Throwable> listener) {
    // never closes by itself
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }
}
