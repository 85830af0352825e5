package dev.switchboard.runtime.plugin;

import com.networknt.schema.JsonSchema;
import dev.switchboard.api.Extensions;
import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginDescriptor;
import dev.switchboard.api.Reconfigurable;
import dev.switchboard.api.runtime.CleanupReport;
import dev.switchboard.api.runtime.ExtensionOwners;
import dev.switchboard.api.runtime.TrafficSplit;
import dev.switchboard.api.runtime.ManagedContext;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.UnloadOutcome;
import dev.switchboard.runtime.plugin.PluginRefusedException.Code;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One loaded plugin jar (an upgrade has two instances of the same plugin id at once). Its state
 * moves by compare-and-set along LOADING → STARTING → ACTIVE → STOPPING → INACTIVE, or to FAILED
 * from LOADING, STARTING or STOPPING (see {@link PluginManager} for the whole machine). Once
 * stopped or failed, every reference to plugin code is dropped so the loader can be collected.
 */
final class PluginInstance {
  final String id;
  final String sha256;
  final String version;
  /** Restart policy from the descriptor: stop the running instance before this one starts. */
  final boolean stopFirst;
  private final PluginManagerConfig settings;
  private final AtomicReference<PluginState> state = new AtomicReference<>(PluginState.LOADING);
  private final JsonSchema schema;
  private volatile String configCanonical;
  private PluginClassLoader loader;
  private Constructor<?> constructor;
  private PluginConfig initialConfig;
  private Plugin plugin;
  private ManagedContext context;
  private Extensions.Owner owner;
  private final AdviceSupport adviceSupport;
  private AdviceSlot adviceSlot; // null: advice unavailable, or torn down
  private Map<DeclaredAdvice, Map<String, Constructor<?>>> declaredAdvice = Map.of(); // plugin.json's, registered at start

  /** What tearing an instance down found. */
  record Teardown(String failure, List<String> leakedThreads, List<String> problems, CompletableFuture<UnloadOutcome> unload) {}

  private PluginInstance(String id, String sha256, String version, boolean stopFirst, PluginManagerConfig settings,
      JsonSchema schema, String configCanonical, AdviceSupport adviceSupport) {
    this.adviceSupport = adviceSupport;
    this.id = id;
    this.sha256 = sha256;
    this.version = version;
    this.stopFirst = stopFirst;
    this.settings = settings;
    this.schema = schema;
    this.configCanonical = configCanonical;
  }

  /**
   * LOADING: reads and verifies the jar, validates descriptor, class versions (all three skipped
   * for a jar {@code prepared} already holds by its sha256) and config (skipped when the same config
   * text was validated for that jar last time), creates the loader and
   * checks the entry class without initialising it. No plugin code runs.
   */
  static PluginInstance load(ActivateRequest req, PluginManagerConfig settings, PreparedJars prepared, AdviceSupport advice) {
    Path jarPath = Path.of(req.jarPath());
    PreparedJars.Prepared p = prepared.get(req, settings); // read, verified, parsed (or cached by sha256)
    JarImage jar = p.jar();
    Descriptors.Parsed parsed = p.parsed();
    PreparedJars.ValidConfig valid = p.config(req.configJson()); // validated now, or the same text was before
    PluginConfig config = valid.config();
    PluginDescriptor d = parsed.descriptor();
    PluginInstance inst = new PluginInstance(d.id(), jar.sha256(), d.version(), parsed.stopFirst(), settings, parsed.schema(),
        valid.canonical(), advice);
    PluginClassLoader loader = new PluginClassLoader(d.id(), d.version(), jarPath, jar, settings.apiLoader(),
        settings.currentExports());
    try {
      inst.constructor = entryConstructor(loader, d.entry());
    } catch (RuntimeException e) {
      loader.close();
      inst.state.set(PluginState.FAILED);
      throw e;
    }
    try {
      inst.declaredAdvice = declaredAdvice(p.parsed().advice(), loader, advice);
    } catch (RuntimeException e) {
      loader.close();
      inst.state.set(PluginState.FAILED);
      throw e;
    }
    inst.loader = loader;
    inst.initialConfig = config;
    return inst;
  }

  /** plugin.json's advice with its handler classes checked; refused when advice is unavailable or refused here. */
  private static Map<DeclaredAdvice, Map<String, Constructor<?>>> declaredAdvice(List<DeclaredAdvice> declared, ClassLoader loader,
      AdviceSupport support) {
    if (declared.isEmpty()) return Map.of();
    Map<DeclaredAdvice, Map<String, Constructor<?>>> out = new java.util.LinkedHashMap<>();
    for (DeclaredAdvice d : declared) {
      out.put(d, d.resolve(loader));
      String refusal = d.match() == dev.switchboard.api.MethodAdvice.Match.EXACT ? support.refusal(d.type()) : null;
      if (refusal != null) {
        throw new PluginRefusedException(Code.DESCRIPTOR, "plugin.json " + DeclaredAdvice.FIELD + "[" + d.index() + "]: " + refusal);
      }
    }
    if (!support.offered()) {
      throw new PluginRefusedException(Code.DESCRIPTOR, "plugin.json declares method advice, but method advice is unavailable"
          + " here: " + support.unavailable());
    }
    return out;
  }

  private static Constructor<?> entryConstructor(ClassLoader loader, String entry) {
    Class<?> c;
    try {
      c = Class.forName(entry, false, loader);
    } catch (ClassNotFoundException e) {
      throw new PluginRefusedException(Code.ENTRY, "class " + entry + " not found in the jar");
    } catch (LinkageError e) {
      throw new PluginRefusedException(Code.ENTRY, "class " + entry + " cannot be loaded: " + e);
    }
    if (!Plugin.class.isAssignableFrom(c)) {
      throw new PluginRefusedException(Code.ENTRY, entry + " does not implement " + Plugin.class.getName());
    }
    if (c.isInterface() || Modifier.isAbstract(c.getModifiers()) || !Modifier.isPublic(c.getModifiers())) {
      throw new PluginRefusedException(Code.ENTRY, entry + " is not a public concrete class");
    }
    try {
      return c.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new PluginRefusedException(Code.ENTRY, entry + " has no public no-arg constructor");
    } catch (LinkageError e) {
      throw new PluginRefusedException(Code.ENTRY, "class " + entry + " cannot be linked: " + e);
    }
  }

  PluginState state() {
    return state.get();
  }

  /** Drops a loaded instance that is not started after all (no plugin code ran): its loader is closed. */
  void discard() {
    move(PluginState.LOADING, PluginState.FAILED);
    loader.close();
    declaredAdvice = Map.of();
    loader = null;
  }

  private void move(PluginState from, PluginState to) {
    if (!state.compareAndSet(from, to)) {
      throw new IllegalStateException("plugin " + id + "@" + version + ": illegal transition " + from + " -> " + to
          + " (state is " + state.get() + ")");
    }
  }

  String configCanonical() {
    return configCanonical;
  }

  JsonSchema schema() {
    return schema;
  }

  /**
   * STARTING: instantiates the entry class and calls {@code start} on a runtime thread. Returns
   * null on success (state stays STARTING until {@link #publish}); otherwise the instance is rolled
   * back (state FAILED) and the teardown says why.
   */
  Teardown start(UnloadWatcher watcher) {
    move(PluginState.LOADING, PluginState.STARTING);
    owner = ExtensionOwners.create(id + "@" + version);
    context = new ManagedContext(id, version, initialConfig, owner, loader, settings.stopTimeout(),
        dev.switchboard.control.server.Logs.get("switchboard.plugin." + id));
    if (adviceSupport.offered()) {
      adviceSlot = new AdviceSlot(adviceSupport, id, id + "@" + version);
      context.adviceSink(adviceSlot);
    }
    Constructor<?> ctor = constructor;
    ManagedContext ctx = context;
    Map<DeclaredAdvice, Map<String, Constructor<?>>> declared = declaredAdvice;
    declaredAdvice = Map.of();
    Plugin[] created = new Plugin[1];
    PluginCalls.Outcome o = PluginCalls.run("switchboard-" + id + "-start", loader, settings.startTimeout(), () -> {
      for (Map.Entry<DeclaredAdvice, Map<String, Constructor<?>>> d : declared.entrySet()) { // staged like advice from code
        Map<String, dev.switchboard.api.AdviceHandler> handlers = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Constructor<?>> h : d.getValue().entrySet()) {
          handlers.put(h.getKey(), (dev.switchboard.api.AdviceHandler) h.getValue().newInstance());
        }
        ctx.advise(d.getKey().build(handlers));
      }
      created[0] = (Plugin) ctor.newInstance();
      created[0].start(ctx);
      return null;
    });
    constructor = null;
    initialConfig = null;
    if (o.ok()) {
      plugin = created[0];
      return null;
    }
    created[0] = null;
    Teardown t = teardown("start: " + o.failure(), PluginState.STARTING, watcher);
    return t;
  }

  /** Makes the staged extensions visible, replacing {@code previous}'s in one swap per point: ACTIVE. */
  void publish(PluginInstance previous) {
    publishAdvice(previous);
    ExtensionOwners.publish(owner, previous == null ? null : previous.owner);
    move(PluginState.STARTING, PluginState.ACTIVE);
  }

  /** This instance's advice replaces {@code previous}'s (may be null), method by method. */
  private void publishAdvice(PluginInstance previous) {
    dev.switchboard.runtime.advice.PluginAdvice prev = previous == null ? null : previous.advice();
    dev.switchboard.runtime.advice.PluginAdvice next = adviceSlot == null ? null : adviceSlot.publishing(prev != null);
    if (next != null) adviceSupport.engine().publish(next, prev);
  }

  /** Null while this instance declared no method advice. */
  private dev.switchboard.runtime.advice.PluginAdvice advice() {
    AdviceSlot s = adviceSlot;
    return s == null ? null : s.advice();
  }

  /** Null, or what went wrong with this instance's method advice. */
  String adviceSummary() {
    dev.switchboard.runtime.advice.PluginAdvice a = advice();
    return a == null ? null : a.summary();
  }

  /** Makes the staged extensions visible beside {@code primary}'s, calls shared by {@code split}: ACTIVE. */
  void publishBeside(PluginInstance primary, TrafficSplit split) {
    ExtensionOwners.publishBeside(owner, primary.owner, split);
    move(PluginState.STARTING, PluginState.ACTIVE);
  }

  /** A new split between this instance and the one it shares calls with. */
  void reroute(TrafficSplit split) {
    ExtensionOwners.reroute(owner, split);
  }

  /** Ends a split: this (active) instance serves alone, {@code other}'s registrations are removed. */
  void takeOver(PluginInstance other) {
    // method advice is not split: the second version's advice stays staged during a split and replaces the other's here
    publishAdvice(other);
    ExtensionOwners.publish(owner, other.owner);
  }

  /** Calls a traffic split sent to this instance. */
  long routedCalls() {
    Extensions.Owner o = owner;
    return o == null ? 0 : ExtensionOwners.routedCalls(o);
  }

  boolean reconfigurable() {
    return plugin instanceof Reconfigurable;
  }

  /** Delivers a validated config to a {@link Reconfigurable} plugin; null on success, else why not. */
  String reconfigure(PluginConfig config, String canonical) {
    Reconfigurable r = (Reconfigurable) plugin;
    PluginCalls.Outcome o = PluginCalls.run("switchboard-" + id + "-reconfigure", loader, settings.stopTimeout(),
        () -> {
          r.reconfigure(config);
          return null;
        });
    if (!o.ok()) {
      return "reconfigure: " + o.failure();
    }
    context.config(config);
    configCanonical = canonical;
    return null;
  }

  /**
   * STOPPING: unregister (no-op if a newer instance already replaced the registrations) → drain
   * in-flight calls → stop → context cleanup (executors, resources, threads) → loader closed and
   * watched. Ends INACTIVE, or FAILED when stop threw or timed out.
   */
  Teardown stop(UnloadWatcher watcher) {
    move(PluginState.ACTIVE, PluginState.STOPPING);
    ExtensionOwners.unregisterAll(owner);
    List<String> problems = new ArrayList<>();
    try {
      if (!ExtensionOwners.awaitDrained(owner, settings.drainTimeout())) {
        problems.add("drain: " + ExtensionOwners.inFlight(owner) + " calls still in flight after " + PluginCalls.human(settings.drainTimeout()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problems.add("drain: interrupted");
    }
    dev.switchboard.runtime.advice.PluginAdvice advice = advice();
    if (advice != null) {
      String drain = adviceSupport.engine().remove(advice, settings.drainTimeout());
      if (drain != null) problems.add("advice " + drain);
    }
    Plugin p = plugin;
    PluginCalls.Outcome o = PluginCalls.run("switchboard-" + id + "-stop", loader, settings.stopTimeout(), () -> {
      p.stop();
      return null;
    });
    Teardown t = teardown(o.ok() ? null : "stop: " + o.failure(), PluginState.STOPPING, watcher);
    problems.addAll(t.problems());
    return new Teardown(t.failure(), t.leakedThreads(), problems, t.unload());
  }

  private Teardown teardown(String failure, PluginState from, UnloadWatcher watcher) {
    PluginClassLoader l = loader;
    CleanupReport report = context.close(settings.threadTimeout(), belongsTo(l));
    dev.switchboard.runtime.advice.PluginAdvice advice = adviceSlot == null ? null : adviceSlot.close();
    if (advice != null) adviceSupport.engine().remove(advice, java.time.Duration.ZERO); // a failed start's staged advice
    adviceSlot = null;
    ExtensionOwners.unregisterAll(owner);
    plugin = null;
    context = null;
    owner = null;
    loader = null;
    l.close();
    CompletableFuture<UnloadOutcome> unload = watcher.watch(l, id + "@" + version, settings.collectTimeout());
    move(from, failure == null ? PluginState.INACTIVE : PluginState.FAILED);
    return new Teardown(failure, report.leakedThreads(), report.problems(), unload);
  }

  private static java.util.function.Predicate<Thread> belongsTo(ClassLoader l) {
    return t -> t.getContextClassLoader() == l || t.getClass().getClassLoader() == l;
  }

  @Override
  public String toString() {
    return id + "@" + version + " (" + sha256.substring(0, 12) + ", " + state.get() + ")";
  }
}
