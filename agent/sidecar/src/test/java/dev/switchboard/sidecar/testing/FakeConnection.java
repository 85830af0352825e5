package dev.switchboard.sidecar.testing;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.Refusal;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.RuntimeInfo;
import dev.switchboard.control.UnloadOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A runtime in memory: pure logic for reconciler tests (real runtimes are tested in the ITs). */
public final class FakeConnection implements RuntimeConnection {
  public final Map<String, PluginStatus> plugins = new ConcurrentHashMap<>();
  public final List<String> ops = Collections.synchronizedList(new ArrayList<>());
  public final AtomicInteger failNext = new AtomicInteger();
  public volatile boolean hold;
  public final List<Runnable> held = new CopyOnWriteArrayList<>();
  public final List<Consumer<PluginStatus>> listeners = new CopyOnWriteArrayList<>();
  public volatile boolean open = true;
  /** What a deactivation answers as the unload outcome (the runtime answers pending and pushes the outcome later). */
  public volatile UnloadOutcome deactivateUnload = UnloadOutcome.COLLECTED;
  /** When set: activations whose config contains this text are refused like the runtime refuses them. */
  public volatile String refuseConfigContaining;
  public volatile Refusal refusal;

  @Override
  public RuntimeInfo info() {
    return new RuntimeInfo("test", 1, "1.0", 4242, "17");
  }

  @Override
  public CompletableFuture<PluginStatus> activate(ActivateRequest r) {
    ops.add("activate " + r.pluginId() + " " + r.sha256().substring(0, 4) + " " + r.configJson());
    return answer(() -> {
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new ControlException(ControlException.Code.FAILED, "boom in " + r.pluginId());
      }
      PluginStatus prev = plugins.get(r.pluginId());
      String refuse = refuseConfigContaining;
      if (refuse != null && r.configJson().contains(refuse)) {
        boolean serving = prev != null && prev.state() == PluginState.ACTIVE;
        Refusal why = new Refusal(refusal.permanent(), serving);
        if (!serving) plugins.put(r.pluginId(), new PluginStatus(r.pluginId(), PluginState.FAILED, null, r.sha256(),
            Instant.now().toString(), "config: refused " + refuse, null, List.of(), why));
        return new PluginStatus(r.pluginId(), PluginState.FAILED, null, r.sha256(), Instant.now().toString(),
            "config: refused " + refuse, null, List.of(), why);
      }
      // like the runtime: a reconfigure of the same jar stays ACTIVE, and since what it was
      boolean same = prev != null && prev.state() == PluginState.ACTIVE && r.sha256().equals(prev.sha256());
      PluginStatus s = new PluginStatus(r.pluginId(), PluginState.ACTIVE, same ? prev.version() : "v-" + r.sha256().substring(0, 4), r.sha256(),
          same ? prev.since() : Instant.now().toString(), null, null, List.of());
      plugins.put(r.pluginId(), s);
      return s;
    });
  }

  @Override
  public CompletableFuture<PluginStatus> deactivate(String id) {
    ops.add("deactivate " + id);
    return answer(() -> {
      PluginStatus s = new PluginStatus(id, PluginState.INACTIVE, null, null, Instant.now().toString(), null, deactivateUnload, List.of());
      plugins.remove(id);
      return s;
    });
  }

  private CompletableFuture<PluginStatus> answer(java.util.function.Supplier<PluginStatus> work) {
    CompletableFuture<PluginStatus> f = new CompletableFuture<>();
    Runnable r = () -> {
      try {
        f.complete(work.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    };
    if (hold) held.add(r);
    else r.run();
    return f;
  }

  public void release() {
    hold = false;
    List<Runnable> copy = new ArrayList<>(held);
    held.clear();
    copy.forEach(Runnable::run);
  }

  public void push(PluginStatus s) {
    plugins.put(s.pluginId(), s);
    listeners.forEach(l -> l.accept(s));
  }

  @Override
  public CompletableFuture<List<PluginStatus>> status() {
    return CompletableFuture.completedFuture(List.copyOf(plugins.values()));
  }

  @Override
  public void onEvent(Consumer<PluginStatus> listener) {
    listeners.add(listener);
  }

  @Override
  public void onClosed(Consumer<Throwable> listener) {}

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }
}
