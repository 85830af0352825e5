package dev.switchboard.sidecar.reconcile;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.sidecar.desired.ArtifactRef;
import dev.switchboard.sidecar.desired.Resolution;
import dev.switchboard.store.Backoff;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the runtime toward the desired state, plugin by plugin.
 *
 * <p>All state lives on one loop thread; operations (fetch, activate, deactivate) run
 * asynchronously and their completions come back to the loop. Per plugin at most one operation is
 * in flight; a new desired state arriving meanwhile replaces the pending one (rapid flips are
 * coalesced: the last write wins, and nothing older is applied after it). Operations are chosen
 * by comparing the desired state with the runtime's reported state, so repeating one is harmless.
 * Failures are retried with exponential backoff and shown in the plugin's report. Nothing acts
 * until {@link #desiredReady()} (a store delivered its snapshot) and a connection is attached, so
 * a restart never deactivates plugins it has not heard about yet.
 */
public final class Reconciler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final ScheduledExecutorService loop;
  private final Function<ArtifactRef, CompletableFuture<Path>> fetcher;
  private final ArtifactGate gate;
  private final ReconcileListener listener;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final LongSupplier nanos;
  private final Map<String, Slot> slots = new HashMap<>();
  private RuntimeConnection conn;
  private boolean ready;

  public Reconciler(Function<ArtifactRef, CompletableFuture<Path>> fetcher, ReconcileListener listener, Duration initialBackoff, Duration maxBackoff) {
    this(ArtifactGate.OPEN, fetcher, listener, initialBackoff, maxBackoff);
  }

  /** {@code gate} admits or refuses each artifact before it is fetched and loaded. */
  public Reconciler(ArtifactGate gate, Function<ArtifactRef, CompletableFuture<Path>> fetcher, ReconcileListener listener,
      Duration initialBackoff, Duration maxBackoff) {
    this.gate = Objects.requireNonNull(gate, "gate == null");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher == null");
    this.listener = Objects.requireNonNull(listener, "listener == null");
    this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff == null");
    this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff == null");
    this.nanos = System::nanoTime;
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "switchboard-reconciler");
      t.setDaemon(true);
      return t;
    });
  }

  private void exec(Runnable task) {
    try {
      loop.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.error("reconciler task failed", e);
          notify(() -> listener.onLoopError(e));
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("reconciler closed; task dropped");
    }
  }

  private void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.error("reconciler listener failed", e);
    }
  }

  /**
   * Runs tasks on the loop thread, one at a time in order: the desired-state feed runs there, so a store change
   * reaches {@link #submit} without waking another thread. Tasks must not block; rejected once closed.
   */
  public java.util.concurrent.Executor loop() {
    return loop;
  }

  /** A new resolution for {@code plugin}, observed now. {@code inStore}: the store has keys for it. */
  public void submit(String plugin, Resolution resolution, boolean inStore) {
    long observed = nanos.getAsLong();
    exec(() -> onSubmit(plugin, resolution, inStore, observed));
  }

  /** The desired state is complete (a store delivered its snapshot): start acting. */
  public void desiredReady() {
    exec(() -> {
      if (ready) return;
      ready = true;
      // step may forget a slot (not in the store and inactive): iterate over a copy
      new ArrayList<>(slots.values()).forEach(this::step);
    });
  }

  /** Uses {@code c} from now on: reads the runtime's status (re-adoption), then reconciles. */
  public CompletableFuture<Void> attach(RuntimeConnection c) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    c.onEvent(s -> exec(() -> onEvent(c, s)));
    // the runtime's live traffic splits come with its stats (an older runtime without stats has none)
    CompletableFuture<Map<String, Object>> stats = c.stats().exceptionally(e -> Map.of());
    c.status().thenCombine(stats, Map::entry).whenComplete((both, err) -> exec(() -> {
      if (err != null) {
        done.completeExceptionally(Outcome.unwrap(err));
        return;
      }
      conn = c;
      List<PluginStatus> list = both.getKey();
      for (PluginStatus s : list) {
        Slot slot = slots.computeIfAbsent(s.pluginId(), this::newSlot);
        slot.observed(s);
        slot.split = TrafficSteps.readopted(both.getValue(), s);
      }
      for (Slot slot : slots.values()) {
        if (list.stream().noneMatch(s -> s.pluginId().equals(slot.plugin))) slot.forgetActual();
        slot.failures = 0;
        cancelRetry(slot);
        if (slot.state == SlotState.REFUSED) slot.state = SlotState.IDLE; // another runtime (or host) may answer differently
      }
      LOG.info("attached to runtime {} in pid {}; it reports {} plugin(s)", c.info().runtimeVersion(), c.info().hostPid(), list.size());
      new ArrayList<>(slots.values()).forEach(this::step);
      done.complete(null);
    }));
    return done;
  }

  /** The connection is gone (host exited or socket closed); operations wait for the next attach. */
  public void detach(RuntimeConnection c) {
    exec(() -> {
      if (conn != c) return;
      conn = null;
      for (Slot s : slots.values()) {
        s.forgetActual();
        cancelRetry(s);
        publish(s);
      }
    });
  }

  /** Current reports, in plugin order (a snapshot taken on the loop). */
  public CompletableFuture<List<PluginReport>> reports() {
    return CompletableFuture.supplyAsync(() -> slots.values().stream()
        .map(s -> s.report).filter(Objects::nonNull)
        .sorted((a, b) -> a.plugin().compareTo(b.plugin())).toList(), loop);
  }

  /**
   * The runtime's live traffic splits (its {@code stats.traffic}: plugin → {@code versions} with weights and call
   * counts), or empty when not attached or when the runtime cannot tell.
   */
  @SuppressWarnings("unchecked")
  public CompletableFuture<Map<String, Object>> runtimeTraffic() {
    return CompletableFuture.supplyAsync(() -> conn, loop).thenCompose(c -> c == null
        ? CompletableFuture.completedFuture(Map.<String, Object>of())
        : c.stats().thenApply(m -> m.get("traffic") instanceof Map<?, ?> t ? (Map<String, Object>) t : Map.<String, Object>of())
            .exceptionally(e -> Map.of()));
  }

  /** True when attached, ready, and no plugin has an operation in flight or a pending retry. */
  public CompletableFuture<Boolean> settled() {
    return CompletableFuture.supplyAsync(() -> conn != null && ready
        && slots.values().stream().noneMatch(s -> s.state.inFlight() || s.state == SlotState.BACKING_OFF), loop);
  }

  private Slot newSlot(String plugin) {
    Slot s = new Slot(plugin);
    s.target = new Target(new Resolution(plugin, false, null, "{}", false, null), false, 0, nanos.getAsLong());
    return s;
  }

  private void onSubmit(String plugin, Resolution r, boolean inStore, long observed) {
    Slot s = slots.computeIfAbsent(plugin, this::newSlot);
    if (s.target.sameDesire(r, inStore)) return;
    s.target = new Target(r, inStore, s.target.generation() + 1, observed);
    if (s.state == SlotState.BACKING_OFF || s.state == SlotState.REFUSED) {
      cancelRetry(s);
      s.state = SlotState.IDLE;
      s.failures = 0;
    }
    step(s);
  }

  private void onEvent(RuntimeConnection c, PluginStatus status) {
    if (c != conn) return;
    Slot s = slots.computeIfAbsent(status.pluginId(), this::newSlot);
    if (s.state.inFlight()) return; // the operation's own answer is authoritative
    s.observed(status);
    PluginState st = status.state();
    if (st == PluginState.ACTIVE || st == PluginState.INACTIVE || st == PluginState.FAILED) step(s);
    else publish(s);
  }

  /** What the loop asks of the runtime for one plugin (traffic operations: {@link TrafficSteps}). */
  enum Op { NONE, ACTIVATE, DEACTIVATE, SPLIT, PROMOTE, ABORT }

  private Op decide(Slot s) {
    Resolution r = s.target.resolution();
    if (r.runnable()) {
      Op finish = TrafficSteps.finish(r, s.split, s.actual);
      if (finish != null) return finish;
      boolean matches = s.actual != null && s.actual.state() == PluginState.ACTIVE
          && r.artifact().sha256().equals(s.actual.sha256())
          && r.configJson().equals(s.appliedConfig);
      return matches ? TrafficSteps.split(r, s.split) : Op.ACTIVATE;
    }
    return s.actuallyInactive() ? Op.NONE : Op.DEACTIVATE;
  }

  private void step(Slot s) {
    if (s.state.inFlight() || s.state == SlotState.BACKING_OFF) return;
    if (conn == null || !ready) {
      publish(s);
      return;
    }
    Op op = decide(s);
    if (op == Op.ACTIVATE && s.state == SlotState.REFUSED) {
      publish(s); // refused for good: asking again with the same jar and config cannot change the answer
      return;
    }
    if (op == Op.NONE) {
      s.lastError = null;
      s.previousServing = false;
      s.failures = 0;
      if (!s.target.inStore() && s.actuallyInactive()) {
        slots.remove(s.plugin);
        if (s.report != null) notify(() -> listener.onRemoved(s.plugin));
        return;
      }
      publish(s);
      return;
    }
    Target t = s.target;
    RuntimeConnection c = conn;
    long started = nanos.getAsLong();
    CompletableFuture<PluginStatus> result;
    java.util.concurrent.atomic.AtomicReference<LiveSplit> splitAfter = new java.util.concurrent.atomic.AtomicReference<>();
    // The request goes to the host before the report of the phase is published: a report writes status keys
    // (store round trips on other threads) and logs, which a flip of a cached jar need not wait for.
    if (op == Op.PROMOTE || op == Op.ABORT) {
      s.state = SlotState.SHIFTING;
      result = c.traffic(TrafficSteps.request(s.plugin, op, t.resolution(), null));
    } else if (op == Op.SPLIT) {
      s.state = SlotState.SHIFTING; // the first version serves throughout, fetch included
      result = fetch(s, t.resolution().traffic().artifact())
          .thenCompose(path -> c.traffic(TrafficSteps.request(s.plugin, op, t.resolution(), path)));
    } else if (op == Op.ACTIVATE) {
      CompletableFuture<Path> fetched = fetch(s, t.resolution().artifact());
      if (fetched.isDone() && !fetched.isCompletedExceptionally()) { // cached: nothing to fetch
        s.state = SlotState.LOADING;
        result = c.activate(activateRequest(s, t, fetched.join()));
      } else {
        s.state = SlotState.FETCHING;
        result = fetched.thenCompose(path -> {
          exec(() -> { if (s.state == SlotState.FETCHING && s.target == t) { s.state = SlotState.LOADING; publish(s); } });
          return c.activate(activateRequest(s, t, path));
        });
      }
      if (s.split != null) {
        // an activation of exactly what runs keeps a split (a confirmation after a re-adoption); any other ends it
        result = result.thenCompose(st -> c.stats().exceptionally(e -> Map.of()).thenApply(stats -> {
          splitAfter.set(TrafficSteps.readopted(stats, st));
          return st;
        }));
      }
    } else {
      s.state = SlotState.STOPPING;
      result = c.deactivate(s.plugin);
    }
    long sent = nanos.getAsLong();
    publish(s);
    result.whenComplete((st, err) -> {
      long answered = nanos.getAsLong();
      exec(() -> {
        if (LOG.isDebugEnabled()) SlotReports.logHops(LOG, s.plugin, op, t, started, sent, answered, nanos.getAsLong());
        finished(s, t, op, c, st, err, splitAfter.get());
      });
    });
  }

  /** Admits (signatures) and fetches {@code a}; a refusal fails like a bad fetch: FAILED, counted, retried; what runs keeps running. */
  private CompletableFuture<Path> fetch(Slot s, ArtifactRef a) {
    try {
      gate.admit(s.plugin, a);
      return fetcher.apply(a);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static ActivateRequest activateRequest(Slot s, Target t, Path jar) {
    return new ActivateRequest(s.plugin, jar.toAbsolutePath().toString(), t.resolution().artifact().sha256(),
        t.resolution().configJson());
  }

  /** {@code splitAfter}: the split the runtime reported after an activation during a split (else null). */
  private void finished(Slot s, Target t, Op op, RuntimeConnection c, PluginStatus st, Throwable err, LiveSplit splitAfter) {
    s.state = SlotState.IDLE;
    if (c != conn) {
      // detached (or re-attached to a new host) meanwhile: the answer is stale; the current
      // connection's status is what counts, so decide again from it (publishes when detached)
      step(s);
      return;
    }
    Outcome o = Outcome.of(op, st, err);
    if (Outcome.describesState(op, st, err)) {
      if (op != Op.SPLIT || st.state() == PluginState.ACTIVE) s.actual = st; // a refused split's FAILED is no state
      if (op == Op.ACTIVATE) s.appliedConfig = st.state() == PluginState.ACTIVE ? t.resolution().configJson() : null;
      if (op == Op.PROMOTE) s.appliedConfig = null; // the second version ran with the config of its split: check it again
    }
    s.split = op == Op.ACTIVATE && splitAfter != null ? splitAfter : TrafficSteps.after(op, o.ok(), s.split, t.resolution());
    if (o.ok()) {
      s.failures = 0;
      s.lastError = null;
      s.previousServing = false;
      if (t.generation() > s.flipRecordedFor) { // also when superseded meanwhile: the runtime answered this change
        s.flipRecordedFor = t.generation();
        Duration elapsed = Duration.ofNanos(nanos.getAsLong() - t.observedNanos());
        notify(() -> listener.onFlip(s.plugin, op != Op.DEACTIVATE, elapsed));
      }
      step(s);
      return;
    }
    s.failures++;
    s.lastError = o.error();
    s.previousServing = o.previousServing();
    notify(() -> listener.onFailure(s.plugin, o.reason()));
    if (t != s.target) {
      step(s); // a newer desired state arrived: try it now
      return;
    }
    if (o.refused()) {
      s.state = SlotState.REFUSED;
      LOG.warn("plugin {}: {} (refused; not retried until its desired state changes)", s.plugin, o.error());
      publish(s);
      return;
    }
    long delay = new Backoff(initialBackoff, maxBackoff).delay(s.failures).toMillis();
    LOG.warn("plugin {}: {} (attempt {}, retrying in {} ms)", s.plugin, o.error(), s.failures, delay);
    s.state = SlotState.BACKING_OFF;
    s.retry = loop.schedule(() -> exec(() -> {
      if (s.state != SlotState.BACKING_OFF) return; // cancelled after it fired: whatever cancelled it has stepped
      s.state = SlotState.IDLE;
      s.retry = null;
      step(s);
    }), delay, TimeUnit.MILLISECONDS);
    publish(s);
  }

  /** Leaves BACKING_OFF for IDLE, cancelling the scheduled retry; other states are kept. */
  private void cancelRetry(Slot s) {
    if (s.state != SlotState.BACKING_OFF) return;
    s.retry.cancel(false);
    s.retry = null;
    s.state = SlotState.IDLE;
  }

  private void publish(Slot s) {
    PluginReport next = SlotReports.report(s, conn != null, ready);
    if (next.sameAs(s.report)) return;
    s.report = next;
    notify(() -> listener.onReport(next));
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
