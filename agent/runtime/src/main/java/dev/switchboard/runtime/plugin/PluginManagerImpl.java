package dev.switchboard.runtime.plugin;

import dev.switchboard.api.ApiVersion;
import dev.switchboard.api.PluginDescriptor;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.Refusal;
import dev.switchboard.control.TrafficRequest;
import dev.switchboard.control.UnloadOutcome;
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
final class PluginManagerImpl implements PluginManager, SlotHost {
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("switchboard.runtime.plugins");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private enum Lifecycle { OPEN, CLOSING, CLOSED }

  private final PluginManagerConfig config;
  private final Map<String, PluginSlot> slots = new ConcurrentHashMap<>();
  private final List<Consumer<PluginStatus>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.OPEN);
  private final ExecutorService ops;
  private final UnloadWatcher watcher;
  private final AdviceSupport advice;
  /** Verified jars by sha256 for re-activations: at most 8 jars / 16 MiB uncompressed in the host's heap. */
  private final PreparedJars prepared = new PreparedJars(8, 16L << 20);
  private final PluginUpgrades upgrades;
  private final TrafficShifts traffic;

  PluginManagerImpl(PluginManagerConfig config, java.lang.instrument.Instrumentation inst,
      dev.switchboard.runtime.advice.AdviceRules adviceRules) {
    this.config = config;
    this.advice = AdviceSupport.on(inst, config.apiVersion(), adviceRules, this::adviceChanged);
    this.watcher = new UnloadWatcher(config.unloadGcDelay(), config.unloadGcInterval(), System::gc);
    this.upgrades = new PluginUpgrades(this, watcher);
    this.traffic = new TrafficShifts(this, upgrades, slots, watcher);
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
      return CompletableFuture.completedFuture(PluginSlot.failed(req.pluginId().isEmpty() ? "?" : req.pluginId(), null, req.sha256(),
          "request: plugin id '" + req.pluginId() + "' does not match " + PluginDescriptor.ID_RULE.pattern()));
    }
    if (!SHA256.matcher(req.sha256()).matches()) {
      return CompletableFuture.completedFuture(PluginSlot.failed(req.pluginId(), null, req.sha256(),
          "sha256: expected 64 hex digits, got '" + req.sha256() + "'"));
    }
    if (lifecycle.get() != Lifecycle.OPEN) {
      return CompletableFuture.completedFuture(PluginSlot.failed(req.pluginId(), null, req.sha256(), "runtime: plugin manager is closed"));
    }
    PluginSlot slot = slots.computeIfAbsent(req.pluginId(), PluginSlot::new);
    return submit(slot, () -> doActivate(slot, req));
  }

  @Override
  public CompletableFuture<PluginStatus> deactivate(String pluginId) {
    PluginSlot slot = pluginId == null ? null : slots.get(pluginId);
    if (slot == null) {
      return CompletableFuture.completedFuture(
          new PluginStatus(String.valueOf(pluginId), PluginState.INACTIVE, null, null, PluginSlot.now(), null, null, List.of()));
    }
    return submit(slot, () -> doDeactivate(slot));
  }

  @Override
  public CompletableFuture<PluginStatus> submit(PluginSlot slot, Supplier<PluginStatus> op) {
    CompletableFuture<PluginStatus> result;
    synchronized (slot) {
      result = slot.tail.handle((r, e) -> null).thenApplyAsync(ignored -> {
        try {
          return op.get();
        } catch (RuntimeException | Error e) {
          LOG.log(System.Logger.Level.ERROR, "plugin operation on " + slot.id + " failed unexpectedly", e);
          PluginStatus s = PluginSlot.failed(slot.id, null, null, "runtime: internal error: " + PluginCalls.describe(e));
          emit(slot, s);
          return s;
        }
      }, ops);
      slot.tail = result;
    }
    return result;
  }

  // ---- operations (run one at a time per slot) ----

  private PluginStatus doActivate(PluginSlot slot, ActivateRequest req) {
    PluginInstance cur = slot.active;
    String canonical = cur != null && cur.sha256.equalsIgnoreCase(req.sha256()) ? Descriptors.canonical(req.configJson()) : null;
    if (canonical != null && canonical.equals(cur.configCanonical())) {
      PluginStatus s = slot.status;
      if (s.error() == null) {
        return s; // exactly what is active (a traffic split beside it stays): no-op
      }
      // asking again for what is serving settles an earlier refused upgrade/config: clear its error
      return emit(slot, slot.status(PluginState.ACTIVE, cur.version, cur.sha256, null, s.unload(), s.leakedThreads()));
    }
    traffic.endSplit(slot);
    if (cur == null) {
      return fresh(slot, req);
    }
    if (canonical != null) {
      return upgrades.reconfigure(slot, cur, req, canonical);
    }
    return upgrades.replace(slot, cur, req, "upgrade to " + req.sha256().substring(0, 12));
  }

  private PluginStatus fresh(PluginSlot slot, ActivateRequest req) {
    emit(slot, slot.status(PluginState.LOADING, null, req.sha256(), null, slot.keepUnload(), List.of()));
    PluginInstance next;
    try {
      next = PluginInstance.load(req, config, prepared, advice);
    } catch (PluginRefusedException e) {
      return emit(slot, slot.status(PluginState.FAILED, null, req.sha256(), e.getMessage(), slot.keepUnload(), List.of())
          .withRefusal(new Refusal(e.permanent(), false)));
    }
    emit(slot, slot.status(PluginState.STARTING, next.version, next.sha256, null, slot.keepUnload(), List.of()));
    PluginInstance.Teardown t = next.start(watcher);
    if (t != null) {
      long gen = ++slot.unloadGeneration;
      UnloadOutcome unload = await(t.unload());
      PluginStatus s = emit(slot, slot.status(PluginState.FAILED, next.version, next.sha256, t.failure(), unload,
          t.leakedThreads()));
      resolveLater(slot, gen, t.unload(), unload);
      return s;
    }
    next.publish(null);
    slot.active = next;
    return emit(slot, slot.status(PluginState.ACTIVE, next.version, next.sha256, null, slot.keepUnload(), List.of()));
  }


  private PluginStatus doDeactivate(PluginSlot slot) {
    traffic.endSplit(slot);
    PluginInstance cur = slot.active;
    PluginStatus prev = slot.status;
    if (cur == null) {
      if (prev != null && prev.state() == PluginState.INACTIVE) {
        return prev;
      }
      return emit(slot, slot.status(PluginState.INACTIVE, prev == null ? null : prev.version(),
          prev == null ? null : prev.sha256(), null, slot.keepUnload(), slot.keepLeaked()));
    }
    emit(slot, slot.status(PluginState.STOPPING, cur.version, cur.sha256, null, slot.keepUnload(), List.of()));
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
    PluginStatus s = emit(slot, slot.status(end, cur.version, cur.sha256, notes.isEmpty() ? null : String.join("; ", notes),
        unload, t.leakedThreads()));
    resolveLater(slot, gen, t.unload(), unload);
    return s;
  }

  // ---- two versions live (traffic): TrafficShifts ----

  @Override
  public CompletableFuture<PluginStatus> traffic(TrafficRequest req) {
    return traffic.traffic(req);
  }

  @Override
  public Map<String, Object> trafficFigures() {
    return traffic.figures();
  }

  @Override
  public boolean open() {
    return lifecycle.get() == Lifecycle.OPEN;
  }

  @Override
  public PluginInstance load(ActivateRequest jar) throws PluginRefusedException {
    return PluginInstance.load(jar, config, prepared, advice);
  }

  // ---- unload outcome ----

  @Override
  public UnloadOutcome await(CompletableFuture<UnloadOutcome> unload) {
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

  @Override
  public void resolveLater(PluginSlot slot, long gen, CompletableFuture<UnloadOutcome> unload, UnloadOutcome reported) {
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
    PluginSlot slot = slots.get(pluginId);
    if (slot == null || lifecycle.get() == Lifecycle.CLOSED) return;
    submit(slot, () -> {
      PluginStatus s = slot.status;
      if (s == null || s.state() != PluginState.ACTIVE || slot.active == null) return s;
      PluginStatus next = slot.status(PluginState.ACTIVE, s.version(), s.sha256(), s.error(), s.unload(), s.leakedThreads());
      return java.util.Objects.equals(next.error(), s.error()) ? s : emit(slot, next);
    });
  }

  @Override
  public PluginStatus emit(PluginSlot slot, PluginStatus s) {
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

  @Override
  public List<PluginStatus> statuses() {
    List<PluginStatus> out = new ArrayList<>();
    for (PluginSlot s : slots.values()) {
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
    PluginSlot s = pluginId == null ? null : slots.get(pluginId);
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
      for (PluginSlot slot : slots.values()) {
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
    for (PluginSlot slot : slots.values()) {
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
