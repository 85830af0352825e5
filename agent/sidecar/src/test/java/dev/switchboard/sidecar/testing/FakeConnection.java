package dev.switchboard.sidecar.testing;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.Refusal;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.RuntimeInfo;
import dev.switchboard.control.TrafficRequest;
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
      // like the runtime: an activation ends a split first, unless it asks for exactly what is active
      if (prev == null || !r.sha256().equals(prev.sha256()) || !r.configJson().equals(configs.get(r.pluginId()))) splits.remove(r.pluginId());
      configs.put(r.pluginId(), r.configJson());
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
      splits.remove(id);
      return s;
    });
  }

  /** The config of each plugin's last activation. */
  public final Map<String, String> configs = new ConcurrentHashMap<>();

  /** Live splits by plugin id, as the runtime's stats.traffic shows them (second version's jar in "second"). */
  public final Map<String, TrafficRequest> splits = new ConcurrentHashMap<>();

  /**
   * Like the runtime: SPLIT needs an ACTIVE plugin and weights naming its version and the second jar's (the second
   * jar's version is "v-" + the first 4 digits of its sha256); PROMOTE / ABORT need a split.
   */
  @Override
  public CompletableFuture<PluginStatus> traffic(TrafficRequest r) {
    String id = r.pluginId();
    ops.add("traffic " + r.action() + " " + id + (r.jar() == null ? "" : " " + r.jar().sha256().substring(0, 4)
        + " " + new java.util.TreeMap<>(r.weights())));
    return answer(() -> {
      PluginStatus cur = plugins.get(id);
      if (cur == null || cur.state() != PluginState.ACTIVE) {
        return new PluginStatus(id, PluginState.FAILED, null, null, Instant.now().toString(), "traffic: not active", null, List.of());
      }
      TrafficRequest live = splits.get(id);
      if (r.action() == TrafficRequest.Action.SPLIT) {
        String second = "v-" + r.jar().sha256().substring(0, 4);
        if (!r.weights().containsKey(cur.version()) || !r.weights().containsKey(second)) {
          return new PluginStatus(id, PluginState.FAILED, second, r.jar().sha256(), Instant.now().toString(),
              "traffic: weights " + r.weights() + " must name " + cur.version() + " and " + second, null, List.of(), new Refusal(true, true));
        }
        splits.put(id, r);
        return cur;
      }
      if (live == null) {
        return new PluginStatus(id, PluginState.FAILED, cur.version(), cur.sha256(), Instant.now().toString(),
            "traffic: runs one version only", null, List.of());
      }
      splits.remove(id);
      if (r.action() == TrafficRequest.Action.ABORT) return cur;
      PluginStatus s = new PluginStatus(id, PluginState.ACTIVE, "v-" + live.jar().sha256().substring(0, 4), live.jar().sha256(),
          Instant.now().toString(), null, UnloadOutcome.COLLECTED, List.of());
      plugins.put(id, s);
      return s;
    });
  }

  @Override
  public CompletableFuture<Map<String, Object>> stats() {
    Map<String, Object> traffic = new java.util.TreeMap<>();
    splits.forEach((id, r) -> {
      PluginStatus cur = plugins.get(id);
      Map<String, Object> versions = new java.util.LinkedHashMap<>();
      versions.put(cur.version(), Map.of("weight", (long) r.weights().get(cur.version()), "calls", 7L, "sha256", cur.sha256()));
      String second = "v-" + r.jar().sha256().substring(0, 4);
      versions.put(second, Map.of("weight", (long) r.weights().get(second), "calls", 3L, "sha256", r.jar().sha256()));
      Map<String, Object> f = new java.util.LinkedHashMap<>();
      f.put("versions", versions);
      if (r.hashKey() != null) f.put("hashKey", r.hashKey());
      if (r.pinHeader() != null) {
        f.put("pinHeader", r.pinHeader());
        f.put("pins", r.pins());
      }
      traffic.put(id, f);
    });
    return CompletableFuture.completedFuture(Map.of("traffic", traffic));
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
