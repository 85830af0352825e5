package dev.switchboard.runtime.plugin;

import dev.switchboard.api.ApiVersion;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginDescriptor;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.Refusal;
import dev.switchboard.control.TrafficRequest;
import dev.switchboard.control.UnloadOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** See {@link PluginManager} for the state machine this implements. */
final class PluginManagerImpl implements PluginManager {
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("switchboard.runtime.plugins");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private enum Lifecycle { OPEN, CLOSING, CLOSED }

  private final PluginManagerConfig config;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final List<Consumer<PluginStatus>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.OPEN);
  private final ExecutorService ops;
  private final UnloadWatcher watcher;
  private final AdviceSupport advice;
  /** Verified jars by sha256 for re-activations: at most 8 jars / 16 MiB uncompressed in the host's heap. */
  private final PreparedJars prepared = new PreparedJars(8, 16L << 20);

  /** Per plugin id: operations are chained on {@code tail}, so one runs at a time. */
  private static final class Slot {
    final String id;
    CompletableFuture<?> tail = CompletableFuture.completedFuture(null); // guarded by this
    PluginInstance active; // touched only by the running operation
    long unloadGeneration; // touched only by the running operation
    volatile PluginStatus status;
    /** Two versions live with calls shared (written by the running operation, read for figures), or null. */
    volatile TrafficSplits.Live traffic;

    Slot(String id) {
      this.id = id;
    }
  }

  PluginManagerImpl(PluginManagerConfig config, java.lang.instrument.Instrumentation inst,
      dev.switchboard.runtime.advice.AdviceRules adviceRules) {
    this.config = config;
    this.advice = AdviceSupport.on(inst, config.apiVersion(), adviceRules, this::adviceChanged);
    this.watcher = new UnloadWatcher(config.unloadGcDelay(), config.unloadGcInterval(), System::gc);
    AtomicInteger n = new AtomicInteger();
    this.ops = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "switchboard-plugin-op-" + n.incrementAndGet());
      t.setDaemon(true);
      // The runtime's own libraries (JSON Schema) look up resources through the context loader.
      t.setContextClassLoader(PluginManagerImpl.class.getClassLoader());
      return t;
    });
  }

  // ---- requests ----

  @Override
  public CompletableFuture<PluginStatus> activate(ActivateRequest req) {
    if (!PluginDescriptor.isValidId(req.pluginId())) {
      return CompletableFuture.completedFuture(failed(req.pluginId().isEmpty() ? "?" : req.pluginId(), null, req.sha256(),
          "request: plugin id '" + req.pluginId() + "' does not match " + PluginDescriptor.ID_RULE.pattern()));
    }
    if (!SHA256.matcher(req.sha256()).matches()) {
      return CompletableFuture.completedFuture(failed(req.pluginId(), null, req.sha256(),
          "sha256: expected 64 hex digits, got '" + req.sha256() + "'"));
    }
    if (lifecycle.get() != Lifecycle.OPEN) {
      return CompletableFuture.completedFuture(failed(req.pluginId(), null, req.sha256(), "runtime: plugin manager is closed"));
    }
    Slot slot = slots.computeIfAbsent(req.pluginId(), Slot::new);
    return submit(slot, () -> doActivate(slot, req));
  }

  @Override
  public CompletableFuture<PluginStatus> deactivate(String pluginId) {
    Slot slot = pluginId == null ? null : slots.get(pluginId);
    if (slot == null) {
      return CompletableFuture.completedFuture(
          new PluginStatus(String.valueOf(pluginId), PluginState.INACTIVE, null, null, now(), null, null, List.of()));
    }
    return submit(slot, () -> doDeactivate(slot));
  }

  private CompletableFuture<PluginStatus> submit(Slot slot, Supplier<PluginStatus> op) {
    CompletableFuture<PluginStatus> result;
    synchronized (slot) {
      result = slot.tail.handle((r, e) -> null).thenApplyAsync(ignored -> {
        try {
          return op.get();
        } catch (RuntimeException | Error e) {
          LOG.log(System.Logger.Level.ERROR, "plugin operation on " + slot.id + " failed unexpectedly", e);
          PluginStatus s = failed(slot.id, null, null, "runtime: internal error: " + PluginCalls.describe(e));
          emit(slot, s);
          return s;
        }
      }, ops);
      slot.tail = result;
    }
    return result;
  }

  // ---- operations (run one at a time per slot) ----

  private PluginStatus doActivate(Slot slot, ActivateRequest req) {
    endSplit(slot);
    PluginInstance cur = slot.active;
    if (cur == null) {
      return fresh(slot, req);
    }
    if (cur.sha256.equalsIgnoreCase(req.sha256())) {
      String canonical = Descriptors.canonical(req.configJson());
      if (canonical.equals(cur.configCanonical())) {
        PluginStatus s = slot.status;
        if (s.error() == null) {
          return s; // exactly what is active: no-op
        }
        // asking again for what is serving settles an earlier refused upgrade/config: clear its error
        return emit(slot, status(slot, PluginState.ACTIVE, cur.version, cur.sha256, null, s.unload(), s.leakedThreads()));
      }
      return reconfigure(slot, cur, req, canonical);
    }
    return replace(slot, cur, req, "upgrade to " + req.sha256().substring(0, 12));
  }

  private PluginStatus fresh(Slot slot, ActivateRequest req) {
    emit(slot, status(slot, PluginState.LOADING, null, req.sha256(), null, keepUnload(slot), List.of()));
    PluginInstance next;
    try {
      next = PluginInstance.load(req, config, prepared, advice);
    } catch (PluginRefusedException e) {
      return emit(slot, status(slot, PluginState.FAILED, null, req.sha256(), e.getMessage(), keepUnload(slot), List.of())
          .withRefusal(new Refusal(e.permanent(), false)));
    }
    emit(slot, status(slot, PluginState.STARTING, next.version, next.sha256, null, keepUnload(slot), List.of()));
    PluginInstance.Teardown t = next.start(watcher);
    if (t != null) {
      long gen = ++slot.unloadGeneration;
      UnloadOutcome unload = await(t.unload());
      PluginStatus s = emit(slot, status(slot, PluginState.FAILED, next.version, next.sha256, t.failure(), unload,
          t.leakedThreads()));
      resolveLater(slot, gen, t.unload(), unload);
      return s;
    }
    next.publish(null);
    slot.active = next;
    return emit(slot, status(slot, PluginState.ACTIVE, next.version, next.sha256, null, keepUnload(slot), List.of()));
  }

  /**
   * Upgrade or restart. Side-by-side (the default): start {@code req} beside {@code cur}, swap, then drain and
   * unload {@code cur}; a refused start leaves {@code cur} serving. Stop-first (the new jar's descriptor says
   * {@code "restart": "stop-first"}): drain and stop {@code cur}, then start {@code req} — nothing serves in
   * between, and a refused start leaves the plugin FAILED. Refusals before any plugin code runs (descriptor,
   * config, classes) leave {@code cur} serving under both policies.
   */
  private PluginStatus replace(Slot slot, PluginInstance cur, ActivateRequest req, String what) {
    PluginInstance next;
    try {
      next = PluginInstance.load(req, config, prepared, advice);
    } catch (PluginRefusedException e) {
      return refusedWhileActive(slot, cur, null, req.sha256(), what, e.getMessage(), e.permanent());
    }
    String attempt = !what.startsWith("upgrade") ? what
        : "upgrade to " + next.version + (cur.version.equals(next.version) ? " (" + next.sha256.substring(0, 12) + ")" : "");
    if (next.stopFirst) {
      return stopFirst(slot, cur, next, attempt);
    }
    PluginInstance.Teardown failedStart = next.start(watcher);
    if (failedStart != null) {
      resolveLater(slot, -1, failedStart.unload(), UnloadOutcome.PENDING);
      return refusedWhileActive(slot, cur, next.version, next.sha256, attempt, failedStart.failure(), false);
    }
    next.publish(cur); // one snapshot swap per extension point: every call sees the old or the new
    slot.active = next;
    emit(slot, status(slot, PluginState.ACTIVE, next.version, next.sha256, null, keepUnload(slot), List.of()));
    return retire(slot, cur, next);
  }

  private PluginStatus stopFirst(Slot slot, PluginInstance cur, PluginInstance next, String attempt) {
    emit(slot, status(slot, PluginState.STOPPING, cur.version, cur.sha256, null, keepUnload(slot), List.of()));
    PluginInstance.Teardown old = cur.stop(watcher);
    slot.active = null;
    long gen = ++slot.unloadGeneration;
    UnloadOutcome unload = await(old.unload());
    resolveLater(slot, gen, old.unload(), unload);
    String previous = previousNotes(cur, old);
    emit(slot, status(slot, PluginState.STARTING, next.version, next.sha256, null, unload, old.leakedThreads()));
    PluginInstance.Teardown failedStart = next.start(watcher);
    if (failedStart != null) {
      resolveLater(slot, -1, failedStart.unload(), UnloadOutcome.PENDING);
      String error = attempt + " failed: " + failedStart.failure() + " (stop-first: the previous " + cur.version
          + " was stopped before; nothing serves)" + (previous == null ? "" : "; " + previous);
      return emit(slot, status(slot, PluginState.FAILED, next.version, next.sha256, error, unload, old.leakedThreads())
          .withRefusal(new Refusal(false, false)));
    }
    next.publish(null);
    slot.active = next;
    return emit(slot, status(slot, PluginState.ACTIVE, next.version, next.sha256, previous, keepUnload(slot),
        old.leakedThreads()));
  }

  /** Drains, stops and unloads {@code cur} after {@code next} took over. */
  private PluginStatus retire(Slot slot, PluginInstance cur, PluginInstance next) {
    PluginInstance.Teardown old = cur.stop(watcher);
    long gen = ++slot.unloadGeneration;
    UnloadOutcome unload = await(old.unload());
    PluginStatus s = emit(slot, status(slot, PluginState.ACTIVE, next.version, next.sha256, previousNotes(cur, old),
        unload, old.leakedThreads()));
    resolveLater(slot, gen, old.unload(), unload);
    return s;
  }

  private static String previousNotes(PluginInstance cur, PluginInstance.Teardown old) {
    List<String> notes = new ArrayList<>(old.problems());
    if (old.failure() != null) {
      notes.add(0, old.failure());
    }
    return notes.isEmpty() ? null : "previous " + cur.version + ": " + String.join("; ", notes);
  }

  private PluginStatus reconfigure(Slot slot, PluginInstance cur, ActivateRequest req, String canonical) {
    PluginConfig cfg;
    try {
      cfg = Descriptors.config(req.configJson(), cur.schema());
    } catch (PluginRefusedException e) {
      return configRejected(slot, cur, e.getMessage(), e.permanent());
    }
    if (!cur.reconfigurable()) {
      return replace(slot, cur, req, "restart with new config");
    }
    String failure = cur.reconfigure(cfg, canonical);
    if (failure != null) {
      return configRejected(slot, cur, failure, false);
    }
    return emit(slot, status(slot, PluginState.ACTIVE, cur.version, cur.sha256, null, keepUnload(slot), keepLeaked(slot)));
  }

  private PluginStatus configRejected(Slot slot, PluginInstance cur, String reason, boolean permanent) {
    emit(slot, status(slot, PluginState.ACTIVE, cur.version, cur.sha256, "config rejected: " + reason, keepUnload(slot),
        keepLeaked(slot)));
    return failed(slot.id, cur.version, cur.sha256, reason).withRefusal(new Refusal(permanent, true));
  }

  /** The answer is FAILED (the request was not carried out); the plugin's status stays ACTIVE with the reason. */
  private PluginStatus refusedWhileActive(Slot slot, PluginInstance cur, String version, String sha, String what,
      String reason, boolean permanent) {
    emit(slot, status(slot, PluginState.ACTIVE, cur.version, cur.sha256, what + " failed: " + reason, keepUnload(slot),
        keepLeaked(slot)));
    return failed(slot.id, version, sha, reason).withRefusal(new Refusal(permanent, true));
  }

  private PluginStatus doDeactivate(Slot slot) {
    endSplit(slot);
    PluginInstance cur = slot.active;
    PluginStatus prev = slot.status;
    if (cur == null) {
      if (prev != null && prev.state() == PluginState.INACTIVE) {
        return prev;
      }
      return emit(slot, status(slot, PluginState.INACTIVE, prev == null ? null : prev.version(),
          prev == null ? null : prev.sha256(), null, keepUnload(slot), keepLeaked(slot)));
    }
    emit(slot, status(slot, PluginState.STOPPING, cur.version, cur.sha256, null, keepUnload(slot), List.of()));
    PluginInstance.Teardown t = cur.stop(watcher);
    slot.active = null;
    long gen = ++slot.unloadGeneration;
    UnloadOutcome unload = await(t.unload());
    List<String> notes = new ArrayList<>();
    if (t.failure() != null) {
      notes.add(t.failure());
    }
    notes.addAll(t.problems());
    PluginState end = t.failure() == null ? PluginState.INACTIVE : PluginState.FAILED;
    PluginStatus s = emit(slot, status(slot, end, cur.version, cur.sha256, notes.isEmpty() ? null : String.join("; ", notes),
        unload, t.leakedThreads()));
    resolveLater(slot, gen, t.unload(), unload);
    return s;
  }

  // ---- two versions live (traffic) ----

  @Override
  public CompletableFuture<PluginStatus> traffic(TrafficRequest req) {
    Slot slot = slots.get(req.pluginId());
    if (slot == null || lifecycle.get() != Lifecycle.OPEN) {
      return CompletableFuture.completedFuture(failed(req.pluginId(), null, null,
          "traffic: " + req.pluginId() + " is not active (activate its first version before sharing calls)"));
    }
    return submit(slot, () -> doTraffic(slot, req));
  }

  private PluginStatus doTraffic(Slot slot, TrafficRequest req) {
    PluginInstance cur = slot.active;
    if (cur == null) {
      return failed(slot.id, null, null, "traffic: " + slot.id + " is not active (activate its first version before sharing calls)");
    }
    TrafficSplits.Live live = slot.traffic;
    if (req.action() != TrafficRequest.Action.SPLIT) {
      if (live == null) {
        return failed(slot.id, cur.version, cur.sha256, "traffic " + req.action().name().toLowerCase(java.util.Locale.ROOT)
            + ": " + slot.id + " runs one version only (" + cur.version + ")");
      }
      slot.traffic = null;
      if (req.action() == TrafficRequest.Action.PROMOTE) {
        live.secondary().takeOver(cur);
        slot.active = live.secondary();
        return retire(slot, cur, live.secondary());
      }
      cur.takeOver(live.secondary());
      return retire(slot, live.secondary(), cur);
    }
    if (live != null && live.secondary().sha256.equalsIgnoreCase(req.jar().sha256())) {
      try {
        live.secondary().reroute(TrafficSplits.split(req, cur.version, live.secondary().version));
      } catch (IllegalArgumentException e) {
        return failed(slot.id, cur.version, cur.sha256, "traffic: " + e.getMessage());
      }
      slot.traffic = new TrafficSplits.Live(cur, live.secondary(), req);
      return emit(slot, status(slot, PluginState.ACTIVE, cur.version, cur.sha256, null, keepUnload(slot), keepLeaked(slot)));
    }
    endSplit(slot); // another second version: the one beside the active instance goes first
    return startBeside(slot, cur, req);
  }

  private PluginStatus startBeside(Slot slot, PluginInstance cur, TrafficRequest req) {
    String what = "traffic to " + req.jar().sha256().substring(0, 12);
    PluginInstance next;
    try {
      next = PluginInstance.load(req.jar(), config, prepared, advice);
    } catch (PluginRefusedException e) {
      return refusedWhileActive(slot, cur, null, req.jar().sha256(), what, e.getMessage(), e.permanent());
    }
    dev.switchboard.api.runtime.TrafficSplit split;
    try {
      split = TrafficSplits.split(req, cur.version, next.version);
    } catch (IllegalArgumentException e) {
      next.discard();
      return failed(slot.id, next.version, next.sha256, "traffic: " + e.getMessage()).withRefusal(new Refusal(true, true));
    }
    PluginInstance.Teardown failedStart = next.start(watcher);
    if (failedStart != null) {
      resolveLater(slot, -1, failedStart.unload(), UnloadOutcome.PENDING);
      return refusedWhileActive(slot, cur, next.version, next.sha256, "traffic to " + next.version, failedStart.failure(), false);
    }
    next.publishBeside(cur, split);
    slot.traffic = new TrafficSplits.Live(cur, next, req);
    return emit(slot, status(slot, PluginState.ACTIVE, cur.version, cur.sha256, null, keepUnload(slot), keepLeaked(slot)));
  }

  /** Ends a split before another operation: the instance beside the active one is removed, drained and unloaded. */
  private void endSplit(Slot slot) {
    TrafficSplits.Live live = slot.traffic;
    if (live == null) {
      return;
    }
    slot.traffic = null;
    live.primary().takeOver(live.secondary());
    PluginInstance.Teardown t = live.secondary().stop(watcher);
    LOG.log(System.Logger.Level.INFO, "traffic split of " + slot.id + " ended: " + live.secondary().version + " removed"
        + (t.failure() == null ? "" : " (" + t.failure() + ")"));
    resolveLater(slot, -1, t.unload(), UnloadOutcome.PENDING);
  }

  @Override
  public Map<String, Object> trafficFigures() {
    Map<String, Object> out = new java.util.TreeMap<>();
    for (Slot s : slots.values()) {
      TrafficSplits.Live live = s.traffic;
      if (live != null) {
        out.put(s.id, TrafficSplits.figures(live));
      }
    }
    return out;
  }

  // ---- unload outcome ----

  private UnloadOutcome await(CompletableFuture<UnloadOutcome> unload) {
    if (config.collectWait().isZero()) {
      return unload.getNow(UnloadOutcome.PENDING);
    }
    try {
      return unload.get(config.collectWait().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return UnloadOutcome.PENDING;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return UnloadOutcome.PENDING;
    } catch (java.util.concurrent.ExecutionException e) {
      return UnloadOutcome.PENDING;
    }
  }

  /** When the first answer was {@code pending}, pushes the final outcome as an event later. */
  private void resolveLater(Slot slot, long gen, CompletableFuture<UnloadOutcome> unload, UnloadOutcome reported) {
    if (reported != UnloadOutcome.PENDING) {
      return;
    }
    unload.thenAccept(outcome -> {
      if (gen < 0) {
        LOG.log(System.Logger.Level.INFO, "unload of a failed upgrade of " + slot.id + ": " + outcome);
        return;
      }
      if (lifecycle.get() == Lifecycle.CLOSED) {
        return;
      }
      submit(slot, () -> {
        PluginStatus s = slot.status;
        if (slot.unloadGeneration == gen && s != null && UnloadOutcome.PENDING == s.unload()) {
          return emit(slot, new PluginStatus(s.pluginId(), s.state(), s.version(), s.sha256(), s.since(), s.error(),
              outcome, s.leakedThreads()));
        }
        return s;
      });
    });
  }

  // ---- statuses and events ----

  /** A plugin's advice summary changed (handler failures, advice switched off, classes not woven): refresh its status. */
  private void adviceChanged(String pluginId) {
    Slot slot = slots.get(pluginId);
    if (slot == null || lifecycle.get() == Lifecycle.CLOSED) return;
    submit(slot, () -> {
      PluginStatus s = slot.status;
      if (s == null || s.state() != PluginState.ACTIVE || slot.active == null) return s;
      PluginStatus next = status(slot, PluginState.ACTIVE, s.version(), s.sha256(), s.error(), s.unload(), s.leakedThreads());
      return java.util.Objects.equals(next.error(), s.error()) ? s : emit(slot, next);
    });
  }

  private PluginStatus status(Slot slot, PluginState state, String version, String sha, String error, UnloadOutcome unload,
      List<String> leaked) {
    PluginStatus prev = slot.status;
    String since = prev != null && prev.state() == state ? prev.since() : now();
    if (state == PluginState.ACTIVE && slot.active != null) error = AdviceSupport.merge(error, slot.active.adviceSummary());
    return new PluginStatus(slot.id, state, version, sha == null ? null : sha.toLowerCase(java.util.Locale.ROOT), since,
        error, unload, leaked);
  }

  private static PluginStatus failed(String id, String version, String sha, String error) {
    return new PluginStatus(id, PluginState.FAILED, version, sha, now(), error, null, List.of());
  }

  private static UnloadOutcome keepUnload(Slot slot) {
    PluginStatus s = slot.status;
    return s == null ? null : s.unload();
  }

  private static List<String> keepLeaked(Slot slot) {
    PluginStatus s = slot.status;
    return s == null ? List.of() : s.leakedThreads();
  }

  private PluginStatus emit(Slot slot, PluginStatus s) {
    slot.status = s;
    for (Consumer<PluginStatus> l : listeners) {
      try {
        l.accept(s);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "status listener failed", e);
      }
    }
    return s;
  }

  private static String now() {
    return Instant.now().toString();
  }

  @Override
  public List<PluginStatus> statuses() {
    List<PluginStatus> out = new ArrayList<>();
    for (Slot s : slots.values()) {
      PluginStatus st = s.status;
      if (st != null) {
        out.add(st);
      }
    }
    out.sort(Comparator.comparing(PluginStatus::pluginId));
    return out;
  }

  @Override
  public Optional<PluginStatus> status(String pluginId) {
    Slot s = pluginId == null ? null : slots.get(pluginId);
    return s == null ? Optional.empty() : Optional.ofNullable(s.status);
  }

  @Override
  public void addListener(Consumer<PluginStatus> listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener == null"));
  }

  @Override
  public void removeListener(Consumer<PluginStatus> listener) {
    listeners.remove(listener);
  }

  @Override
  public CompletableFuture<List<PluginStatus>> checkUnload() {
    if (lifecycle.get() != Lifecycle.OPEN) {
      return CompletableFuture.completedFuture(statuses());
    }
    return CompletableFuture.supplyAsync(() -> {
      UnloadWatcher.CheckResult r = watcher.check();
      LOG.log(System.Logger.Level.INFO, "unload check on demand: explicit collection " + r.gcMillis() + " ms; "
          + r.collected() + " collected, " + r.leaked() + " leaked, " + r.pending() + " still pending");
      return r;
    }, ops).thenCompose(r -> {
      // outcomes settled by the check were queued on each plugin's operation chain: wait for them
      List<CompletableFuture<PluginStatus>> settled = new ArrayList<>();
      for (Slot slot : slots.values()) {
        settled.add(submit(slot, () -> slot.status));
      }
      return CompletableFuture.allOf(settled.toArray(new CompletableFuture[0])).thenApply(ignored -> statuses());
    });
  }

  @Override
  public UnloadFigures unloadFigures() {
    return new UnloadFigures(watcher.explicitGcs(), watcher.explicitGcMillis(), watcher.pending(),
        watcher.collectedCount(), watcher.leakedCount());
  }

  @Override
  public Map<String, Object> adviceStats() {
    dev.switchboard.runtime.advice.AdviceEngine e = advice.engine();
    if (e == null) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("available", advice.available());
      m.put("installed", false);
      if (advice.unavailable() != null) m.put("unavailable", advice.unavailable());
      return m;
    }
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("available", true);
    m.put("installed", true);
    m.putAll(e.stats());
    return m;
  }

  @Override
  public ApiVersion apiVersion() {
    return config.apiVersion();
  }

  @Override
  public PluginManagerConfig config() {
    return config;
  }

  /** Deactivates every plugin (each bounded by the manager's timeouts), then stops the threads. */
  @Override
  public void close() {
    if (!lifecycle.compareAndSet(Lifecycle.OPEN, Lifecycle.CLOSING)) {
      return;
    }
    List<CompletableFuture<PluginStatus>> all = new ArrayList<>();
    for (Slot slot : slots.values()) {
      all.add(submit(slot, () -> doDeactivate(slot)));
    }
    long boundMs = config.drainTimeout().plus(config.stopTimeout()).plus(config.threadTimeout().multipliedBy(2))
        .plus(config.collectWait()).toMillis() + 5_000;
    try {
      CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(boundMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "not every plugin stopped while closing the plugin manager: " + e);
    }
    lifecycle.set(Lifecycle.CLOSED);
    ops.shutdown();
    watcher.close();
    advice.close();
    PluginCalls.releaseSpare();
  }
}
