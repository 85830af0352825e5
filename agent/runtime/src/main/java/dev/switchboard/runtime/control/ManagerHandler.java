package dev.switchboard.runtime.control;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeInfo;
import dev.switchboard.control.server.ControlHandler;
import dev.switchboard.control.server.ControlServer;
import dev.switchboard.runtime.plugin.PluginManager;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves control requests with the {@link PluginManager} and keeps the figures of {@code stats}:
 * starts per plugin id (entries into STARTING, i.e. activations from INACTIVE or FAILED; an upgrade
 * or reconfigure stays ACTIVE and is not counted), unload outcomes of every unloaded loader (also of
 * replaced versions), the unload check's explicit collections, metaspace, loaded classes.
 */
final class ManagerHandler implements ControlHandler {
  private final java.util.function.Supplier<PluginManager> manager;
  private final RuntimeInfo info;
  private final Map<String, AtomicLong> starts = new ConcurrentHashMap<>();
  private final Map<String, PluginState> last = new ConcurrentHashMap<>();

  /** Detach: stop every plugin (completes with their statuses), then remove the runtime once answered. */
  interface Detacher {
    CompletableFuture<List<PluginStatus>> detach();

    void detached();
  }

  private volatile Detacher detacher;

  void detacher(Detacher d) {
    this.detacher = d;
  }

  @Override
  public CompletableFuture<List<PluginStatus>> detach() {
    Detacher d = detacher;
    return d == null ? ControlHandler.super.detach() : d.detach();
  }

  @Override
  public void detached() {
    Detacher d = detacher;
    if (d != null) d.detached();
  }

  ManagerHandler(java.util.function.Supplier<PluginManager> manager, String version) {
    this.manager = manager;
    this.info = new RuntimeInfo(version, ControlServer.PROTOCOL_VERSION, dev.switchboard.api.ApiVersion.CURRENT.toString(),
        ProcessHandle.current().pid(), System.getProperty("java.version"));
  }

  void record(PluginStatus s) {
    PluginState before = last.put(s.pluginId(), s.state());
    if (s.state() == PluginState.STARTING && before != PluginState.STARTING) {
      starts.computeIfAbsent(s.pluginId(), k -> new AtomicLong()).incrementAndGet();
    }
  }

  @Override
  public RuntimeInfo info() {
    return info;
  }

  @Override
  public CompletableFuture<PluginStatus> activate(ActivateRequest request) {
    return manager.get().activate(request);
  }

  @Override
  public CompletableFuture<PluginStatus> deactivate(String pluginId) {
    return manager.get().deactivate(pluginId);
  }

  @Override
  public List<PluginStatus> statuses() {
    return manager.get().statuses();
  }

  @Override
  public CompletableFuture<List<PluginStatus>> checkUnload() {
    return manager.get().checkUnload();
  }

  @Override
  public Map<String, Object> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> s = new LinkedHashMap<>();
    starts.forEach((k, v) -> s.put(k, v.get()));
    m.put("starts", s);
    PluginManager.UnloadFigures f = manager.get().unloadFigures();
    Map<String, Object> u = new LinkedHashMap<>(); // every unloaded loader (deactivations, replaced versions, rollbacks)
    if (f.collected() > 0) u.put("collected", f.collected());
    if (f.leaked() > 0) u.put("leaked", f.leaked());
    m.put("unloads", u);
    Map<String, Object> check = new LinkedHashMap<>();
    check.put("pending", (long) f.pending());
    check.put("explicitGcs", f.explicitGcs());
    check.put("explicitGcMillis", f.explicitGcMillis());
    m.put("unloadCheck", check);
    m.put("metaspaceUsedBytes", metaspaceUsed());
    m.put("loadedClasses", loadedClasses());
    return m;
  }

  private static long metaspaceUsed() {
    try {
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getName().equals("Metaspace")) return p.getUsage().getUsed();
      }
    } catch (LinkageError | RuntimeException e) {
      // a host without java.management: no figure
    }
    return -1;
  }

  private static long loadedClasses() {
    try {
      return ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
    } catch (LinkageError | RuntimeException e) {
      return -1;
    }
  }
}
