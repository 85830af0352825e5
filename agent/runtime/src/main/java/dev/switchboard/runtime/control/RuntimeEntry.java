package dev.switchboard.runtime.control;

import dev.switchboard.control.server.AgentArgs;
import dev.switchboard.control.server.ControlServer;
import dev.switchboard.control.server.OffThreadLog;
import dev.switchboard.runtime.plugin.ExportResolver;
import dev.switchboard.runtime.plugin.HostExports;
import dev.switchboard.runtime.plugin.PluginManager;
import dev.switchboard.runtime.plugin.PluginManagerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import dev.switchboard.control.PluginStatus;

/**
 * Started by the bootstrap inside the runtime's private loader: builds the {@link PluginManager},
 * publishes the control channel ({@link ControlServer}) in the control directory and wires the
 * manager's state events to every controller. Returns the hook the bootstrap calls when the
 * runtime is attached again (re-publish the socket and token if they were removed, or listen in
 * another control directory too; nothing is reloaded).
 *
 * <p>Host exports ({@link ExportResolver}): the {@code exports} agent argument of every attach, the
 * exports each controller asks for in its hello, the system property {@value #HOST_EXPORTS_PROPERTY}
 * (comma-separated, read again for every plugin loaded) and the host's announcements in the plugin
 * API. They accumulate and apply to plugins loaded afterwards; each is resolved against the class
 * loader that defines the package, and packages no loader defines are reported by name (welcome
 * frame, host log). With {@code -javaagent} the plugin manager is built at the first control
 * request; attached to a running host it is built right after the attach, in the background.
 */
public final class RuntimeEntry {
  public static final String HOST_EXPORTS_PROPERTY = "switchboard.host.exports";
  /** Key of a map given to the re-attach hook that carries a log line of the bootstrap instead of attach arguments. */
  static final String BOOT_LOG = "bootLog";
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("dev.switchboard.runtime");

  private final String argExports;
  private final Instrumentation inst;
  private final ManagerHandler handler;
  private final String token = ControlServer.newToken();
  private final List<ControlServer> servers = new ArrayList<>(); // guarded by this
  private PluginManager manager; // guarded by this; built on first use
  private ExportResolver resolver; // guarded by this; built on first use (binds the plugin API)
  private String propertySeen; // guarded by this

  private final Runnable onDetached; // from the bootstrap: forget this runtime, close its loader, delete its files
  private volatile Thread shutdownHook;
  private volatile boolean detaching;
  private volatile HostLogging logging;

  private RuntimeEntry(String argExports, String version, Instrumentation inst, Runnable onDetached) {
    this.argExports = argExports;
    this.inst = inst;
    this.onDetached = onDetached;
    this.handler = new ManagerHandler(this::manager, this::exportsAsked, version);
    this.handler.detacher(new ManagerHandler.Detacher() {
      @Override
      public CompletableFuture<List<PluginStatus>> detach() {
        return RuntimeEntry.this.detach();
      }

      @Override
      public void detached() {
        RuntimeEntry.this.detached();
      }
    });
  }

  /**
   * The export resolver, built on first use: its first use of the plugin API binds the runtime to
   * the host's copy (so not during {@code premain}, before the host's {@code main} ran).
   */
  synchronized ExportResolver resolver() {
    if (resolver == null) {
      ExportResolver r = new ExportResolver(inst::getAllLoadedClasses, dev.switchboard.api.Plugin.class.getClassLoader(),
          ClassLoader.getSystemClassLoader());
      r.ask(exports(argExports, null));
      resolver = r;
    }
    return resolver;
  }

  /** The exports for a plugin loaded now: asked ones plus the system property as it is now. */
  HostExports exports() {
    ExportResolver r;
    String property = System.getProperty(HOST_EXPORTS_PROPERTY);
    synchronized (this) {
      r = resolver();
      if (property != null && !property.equals(propertySeen)) {
        propertySeen = property;
        for (String p : exports(property, null)) {
          try {
            r.ask(List.of(p));
          } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "switchboard runtime: system property " + HOST_EXPORTS_PROPERTY + ": " + e.getMessage());
          }
        }
      }
    }
    HostExports now = r.current();
    handler.reportMissing(now);
    return now;
  }

  /** A controller's hello: adds its exports (refusing a bad entry by name), then the exports now. */
  private HostExports exportsAsked(List<String> asked) {
    if (!asked.isEmpty()) resolver().ask(asked);
    return exports();
  }

  /** The plugin manager, built on first use. */
  synchronized PluginManager manager() {
    if (detaching) throw new IllegalStateException("the runtime is detaching from this host");
    if (manager == null) {
      HostExports exports = exports();
      PluginManagerConfig.Builder b = PluginManagerConfig.builder().hostExportsSource(this::exports);
      for (String problem : UnloadSettings.apply(b, System::getProperty)) {
        LOG.log(System.Logger.Level.WARNING, "switchboard runtime: " + problem);
      }
      PluginManagerConfig cfg = b.build();
      java.util.List<String> adviceProblems = new java.util.ArrayList<>();
      dev.switchboard.runtime.advice.AdviceRules rules = dev.switchboard.runtime.advice.AdviceRules.from(System::getProperty,
          adviceProblems);
      for (String problem : adviceProblems) LOG.log(System.Logger.Level.WARNING, "switchboard runtime: " + problem);
      PluginManager m = PluginManager.builder().config(cfg).advice(inst, rules).build();
      m.addListener(this::onStatus);
      manager = m;
      OffThreadLog.log(LOG, System.Logger.Level.INFO, "switchboard runtime: plugin manager ready; host exports " + exports
          + "; unload check: explicit GC " + (cfg.unloadGcDelay() == null ? "off" : "after " + cfg.unloadGcDelay().toMillis()
          + " ms pending, at most one per " + cfg.unloadGcInterval().toMillis() + " ms") + ", deactivate waits "
          + cfg.collectWait().toMillis() + " ms");
    }
    return manager;
  }

  /** Called reflectively by {@code dev.switchboard.runtime.boot.Boot} (a bootstrap that cannot detach). */
  public static Consumer<Map<String, String>> start(Map<String, String> args, Instrumentation inst) throws IOException {
    return start(args, inst, null);
  }

  /**
   * Called reflectively by {@code dev.switchboard.runtime.boot.Boot}; {@code onDetached} (may be null: detach
   * refused) runs last when an operator detaches the runtime.
   */
  public static Consumer<Map<String, String>> start(Map<String, String> args, Instrumentation inst, Runnable onDetached)
      throws IOException {
    Path dir = controlDir(args);
    exports(args.get("exports"), null).forEach(ExportResolver::checkPattern);
    String version = args.getOrDefault("runtimeVersion", "unknown");
    HostLogging logging = HostLogging.install(inst);
    RuntimeEntry entry = new RuntimeEntry(args.get("exports"), version, inst, onDetached);
    entry.logging = logging;
    if (args.get("bootNote") != null) OffThreadLog.log(LOG, System.Logger.Level.INFO, "switchboard runtime: " + args.get("bootNote"));
    entry.publish(dir);
    if ("agentmain".equals(args.get("startedVia"))) entry.buildManagerInBackground();
    Thread hook = new Thread(entry::shutdown, "switchboard-control-shutdown");
    entry.shutdownHook = hook;
    Runtime.getRuntime().addShutdownHook(hook);
    OffThreadLog.log(LOG, System.Logger.Level.INFO, "switchboard runtime " + version + " ready; logging through "
        + logging.description());
    return entry::reattach;
  }

  /**
   * Attached to a running host, its {@code main} has declared its exports long ago: the manager is
   * built now, on a background thread, while the client connects (it would be built by the first
   * request anyway, which is then answered sooner).
   */
  private void buildManagerInBackground() {
    Thread t = new Thread(() -> {
      try {
        manager();
      } catch (RuntimeException | Error e) {
        OffThreadLog.log(LOG, System.Logger.Level.WARNING, "switchboard runtime: building the plugin manager failed (the first request retries): " + e);
      }
    }, "switchboard-runtime-init");
    t.setDaemon(true);
    t.start();
  }

  static Path controlDir(Map<String, String> args) {
    String d = args.get("controlDir");
    if (d == null || d.isBlank()) d = Path.of(System.getProperty("java.io.tmpdir"), "switchboard").toString();
    Path p = Path.of(d);
    if (!p.isAbsolute()) throw new IllegalArgumentException("controlDir is not an absolute path: " + d);
    return p.normalize();
  }

  static List<String> exports(String fromArgs, String fromHost) {
    Set<String> out = new LinkedHashSet<>();
    for (String src : new String[] {fromArgs, fromHost}) {
      if (src == null) continue;
      for (String p : src.split(",")) {
        String t = p.trim();
        if (!t.isEmpty()) out.add(t);
      }
    }
    return List.copyOf(out);
  }

  private void onStatus(dev.switchboard.control.PluginStatus s) {
    handler.record(s);
    dev.switchboard.api.PluginStates.publish(new dev.switchboard.api.PluginStates.State(s.pluginId(), s.state().name(), s.version(),
        s.error(), s.since())); // what the host may show (e.g. its actuator endpoint)
    List<ControlServer> copy;
    synchronized (this) {
      copy = List.copyOf(servers);
    }
    for (ControlServer server : copy) server.publish(s);
  }

  private void publish(Path dir) throws IOException {
    long pid = ProcessHandle.current().pid();
    synchronized (this) {
      for (ControlServer s : servers) {
        if (s.socket().getParent().equals(dir)) {
          if (s.isPublished()) return;
          s.close(); // its files were removed from outside: publish again, same token
          servers.remove(s);
          break;
        }
      }
      servers.add(ControlServer.start(dir, pid, token, handler));
      List<String> dirs = new ArrayList<>();
      for (ControlServer s : servers) dirs.add(s.socket().getParent().toString());
      System.setProperty(AgentArgs.CONTROL_DIR_PROPERTY, String.join(",", dirs));
    }
  }

  private void reattach(Map<String, String> args) {
    if (args.containsKey(BOOT_LOG)) { // a line from the bootstrap, written through the host's logging
      OffThreadLog.log(LOG, System.Logger.Level.INFO, "switchboard runtime: " + args.get(BOOT_LOG));
      return;
    }
    List<String> asked = exports(args.get("exports"), null);
    if (!asked.isEmpty()) {
      resolver().ask(asked);
      exports(); // reports packages still missing in the host log
    }
    try {
      publish(controlDir(args));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish the control channel: " + e.getMessage(), e);
    }
  }

  /** Stops every plugin; refuses new requests from now on. */
  private CompletableFuture<List<PluginStatus>> detach() {
    if (onDetached == null) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("this runtime's bootstrap cannot detach"));
    }
    PluginManager m;
    synchronized (this) {
      if (detaching) return CompletableFuture.failedFuture(new IllegalStateException("already detaching"));
      detaching = true;
      m = manager;
    }
    LOG.log(System.Logger.Level.INFO, "switchboard runtime: detaching: stopping every plugin");
    if (m == null) return CompletableFuture.completedFuture(List.of());
    CompletableFuture<List<PluginStatus>> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        m.close(); // deactivates every plugin, bounded by the manager's timeouts, then stops its threads
        done.complete(m.statuses());
      } catch (RuntimeException | Error e) {
        done.completeExceptionally(e);
      }
    }, "switchboard-detach");
    t.setDaemon(true);
    t.start();
    return done;
  }

  /** The answer to detach is queued: close every channel, remove the files, let the bootstrap forget the runtime. */
  private void detached() {
    Thread t = new Thread(() -> {
      List<ControlServer> copy;
      synchronized (this) {
        copy = List.copyOf(servers);
        servers.clear();
        manager = null;
      }
      for (ControlServer s : copy) s.closeGracefully(2_000);
      Thread hook = shutdownHook;
      try {
        if (hook != null) Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the host is exiting anyway
      }
      System.clearProperty(AgentArgs.CONTROL_DIR_PROPERTY);
      LOG.log(System.Logger.Level.INFO, "switchboard runtime: detached; control channel closed, socket and token removed");
      HostLogging l = logging;
      if (l != null) l.uninstall();
      onDetached.run();
    }, "switchboard-detach-close");
    t.setDaemon(true);
    t.start();
  }

  private void shutdown() {
    List<ControlServer> copy;
    synchronized (this) {
      copy = List.copyOf(servers);
    }
    for (ControlServer s : copy) s.close();
  }
}
