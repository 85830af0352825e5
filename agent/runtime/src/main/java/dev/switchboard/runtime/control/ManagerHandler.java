package dev.switchboard.runtime.control;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeInfo;
import dev.switchboard.control.server.ControlHandler;
import dev.switchboard.control.server.ControlServer;
import dev.switchboard.control.server.OffThreadLog;
import dev.switchboard.runtime.plugin.HostExports;
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
  private static final System.Logger LOG = System.getLogger("dev.switchboard.runtime");
  private final java.util.function.Supplier<PluginManager> manager;
  private final java.util.function.Function<List<String>, HostExports> exports;
  private final String version;
  private volatile RuntimeInfo info; // built on first use: it names the plugin API version
  private List<String> missingReported = List.of(); // guarded by this
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

  ManagerHandler(java.util.function.Supplier<PluginManager> manager, java.util.function.Function<List<String>, HostExports> exports,
      String version) {
    this.manager = manager;
    this.exports = exports;
    this.version = version;
  }

  /** Logs the packages no host loader defines when that set changed since the last report. */
  void reportMissing(HostExports now) {
    synchronized (this) {
      if (now.missing().equals(missingReported)) return;
      missingReported = now.missing();
    }
    if (!now.missing().isEmpty()) {
      OffThreadLog.log(LOG, System.Logger.Level.WARNING, "switchboard runtime: host exports not found in any class loader of the host: "
          + now.missing() + " (plugins cannot load classes of these packages; exports in force " + now.patterns() + ")");
    } else {
      OffThreadLog.log(LOG, System.Logger.Level.INFO, "switchboard runtime: host exports in force " + now.patterns());
    }
  }

  @Override
  public RuntimeInfo hello(List<String> asked) {
    RuntimeInfo base = info();
    HostExports now = exports.apply(asked);
    return new RuntimeInfo(base.runtimeVersion(), base.protocolVersion(), base.apiVersion(), base.hostPid(), base.hostJava(),
        now.patterns(), now.missing());
  }

  void record(PluginStatus s) {
    PluginState before = last.put(s.pluginId(), s.state());
    if (s.state() == PluginState.STARTING && before != PluginState.STARTING) {
      starts.computeIfAbsent(s.pluginId(), k -> new AtomicLong()).incrementAndGet();
    }
  }

  @Override
  public RuntimeInfo info() {
    RuntimeInfo i = info;
    if (i == null) {
      i = new RuntimeInfo(version, ControlServer.PROTOCOL_VERSION, dev.switchboard.api.ApiVersion.CURRENT.toString(),
          ProcessHandle.current().pid(), System.getProperty("java.version"));
      info = i;
    }
    return i;
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
  public CompletableFuture<PluginStatus> traffic(dev.switchboard.control.TrafficRequest request) {
    return manager.get().traffic(request);
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
    m.put("traffic", manager.get().trafficFigures());
    m.put("metaspaceUsedBytes", metaspaceUsed());
    m.put("loadedClasses", loadedClasses());
    m.put("advice", manager.get().adviceStats());
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
