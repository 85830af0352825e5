package dev.switchboard.sidecar.desired;

import dev.switchboard.store.Change;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.Watch;
import dev.switchboard.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the service's desired state in every configured store and feeds the resolutions of
 * the <em>active</em> store to a {@link Sink}.
 *
 * <p>The rule with two stores: the preferred store is active while it is connected and caught up
 * (its watch delivered its snapshot or resync); while it is not, the other store is active if
 * that one is connected and caught up; while neither is, the last active view stays in force
 * (nothing is flipped on a stale view). Switching the active store re-resolves every plugin
 * against the new view. One store alone is simply always the candidate.
 *
 * <p>Returning to the preferred store while the other one is still healthy is not forced, so it waits until both
 * views resolve this node's plugins alike, at most {@link #DEFAULT_SWITCH_BACK_HOLD}: the preferred store comes back
 * from an outage before the bridge has copied the writes made to the other store meanwhile, and switching at once
 * would apply its older view for a moment (a plugin seen turned on, then off, then on again). A forced switch (the
 * active store lost or behind) happens at once.
 *
 * <p>All state lives on one thread, so changes are resolved and submitted in store order.
 */
public final class DesiredFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DesiredFeed.class);

  /** Receives resolutions for this node; called on the feed's thread (its own or the given executor's). */
  public interface Sink {
    void submit(String plugin, Resolution resolution, boolean inStore);

    /** The first store delivered its snapshot: the desired state is complete. */
    void ready();

    /** The active store changed (name or null). */
    default void activeStore(String store) {}
  }

  private final List<KeySpace> stores;
  private final String prefer;
  private final String root;
  private final String node;
  private final Sink sink;
  private final Map<String, View> views = new LinkedHashMap<>();
  private final Set<String> submitted = new TreeSet<>();
  private final List<Watch> watches = new ArrayList<>();
  /** Where all state is touched: one thread, the feed's own or the caller's (see the constructors). */
  private final Executor thread;
  /** The feed's own thread (null when it runs on the caller's executor, which the caller shuts down). */
  private final ExecutorService ownThread;
  private View active;
  private boolean readySent;
  /** How long a return to the preferred store waits for the views to agree. */
  private final Duration switchBackHold;
  /** {@link System#nanoTime()} when a return to the preferred store started waiting, or 0. */
  private long switchBackSince;

  /** See the class comment. */
  public static final Duration DEFAULT_SWITCH_BACK_HOLD = Duration.ofSeconds(5);

  public DesiredFeed(List<KeySpace> stores, String prefer, String root, String service, String node, Sink sink) {
    this(stores, prefer, root, service, node, sink, null);
  }

  /**
   * As the other constructor, but all work runs on {@code executor} when not null: it must run tasks one at a
   * time in submission order (a single thread), e.g. the reconciler's loop, so that a store change reaches the
   * sink without a hand-off between threads. The caller shuts {@code executor} down.
   */
  public DesiredFeed(List<KeySpace> stores, String prefer, String root, String service, String node, Sink sink,
      Executor executor) {
    this(stores, prefer, root, service, node, sink, executor, DEFAULT_SWITCH_BACK_HOLD);
  }

  /** As the other constructors, with the hold of a return to the preferred store (see the class comment). */
  public DesiredFeed(List<KeySpace> stores, String prefer, String root, String service, String node, Sink sink,
      Executor executor, Duration switchBackHold) {
    if (switchBackHold.isNegative()) throw new IllegalArgumentException("switchBackHold < 0: " + switchBackHold);
    this.switchBackHold = switchBackHold;
    if (executor == null) {
      this.ownThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-desired-feed");
        t.setDaemon(true);
        return t;
      });
      this.thread = ownThread;
    } else {
      this.ownThread = null;
      this.thread = executor;
    }
    if (stores.isEmpty()) throw new IllegalArgumentException("no store configured");
    this.stores = List.copyOf(stores);
    this.prefer = prefer;
    this.root = DesiredKeys.normalizeRoot(root);
    this.node = Names.require("node", node);
    this.sink = Objects.requireNonNull(sink, "sink == null");
    for (KeySpace ks : this.stores) views.put(ks.storeName(), new View(ks, new ServiceDesiredState(this.root, service)));
  }

  public void start() {
    for (View v : views.values()) {
      String prefix = v.state.prefix().substring(0, v.state.prefix().length() - 1);
      StoreState initial = v.store.state();
      exec(() -> v.state(initial));
      watches.add(v.store.watch(prefix, new WatchListener() {
        @Override
        public void onChanges(List<Change> changes) {
          exec(() -> changed(v, changes));
        }

        @Override
        public void onSynced() {
          exec(() -> {
            v.synced = true;
            LOG.info("{} caught up with {}", v.store.storeName(), prefix);
            reselect();
          });
        }

        @Override
        public void onSkipped(String key, String reason) {
          LOG.warn("{} skipped {}: {}", v.store.storeName(), key, reason);
          exec(() -> v.skipped(key, reason));
        }

        @Override
        public void onState(StoreState state) {
          exec(() -> {
            v.state(state);
            reselect();
          });
        }
      }));
    }
  }

  /** Name of the store whose view is in force, or null before any store caught up. */
  public CompletableFuture<String> activeStore() {
    return CompletableFuture.supplyAsync(() -> active == null ? null : active.store.storeName(), thread);
  }

  /** True when the active store is connected and caught up. */
  public CompletableFuture<Boolean> caughtUp() {
    return CompletableFuture.supplyAsync(() -> active != null && active.eligible(), thread);
  }

  /**
   * Refused keys of the active view that belong to no plugin, then the keys its store adapter skipped (a path with a
   * {@code ..} segment, an oversized value): the latter stay listed until the agent restarts (a store delivers no
   * delete for a key it cannot represent), at most {@value #MAX_SKIPPED} of them, the most recent last.
   */
  public CompletableFuture<List<KeyError>> rejected() {
    return CompletableFuture.supplyAsync(() -> {
      if (active == null) return List.<KeyError>of();
      List<KeyError> out = new ArrayList<>(active.state.rejected());
      active.skipped.forEach((k, reason) -> out.add(new KeyError(k, "skipped by the " + active.store.storeName() + " adapter: " + reason)));
      return List.copyOf(out);
    }, thread);
  }

  static final int MAX_SKIPPED = 50;

  private void changed(View v, List<Change> changes) {
    Set<String> affected = new TreeSet<>();
    for (Change c : changes) affected.addAll(v.state.apply(c));
    if (v == active) affected.forEach(this::resolve);
    if (switchBackSince != 0) reselect(); // a return to the preferred store waits for the views to agree
  }

  private void reselect() {
    View preferred = views.get(prefer);
    View candidate = null;
    if (preferred != null && preferred.eligible()) candidate = preferred;
    else {
      for (View v : views.values()) {
        if (v.eligible()) {
          candidate = v;
          break;
        }
      }
    }
    if (candidate == null || candidate == active) {
      switchBackSince = 0;
      return;
    }
    if (active != null && active.eligible() && holdSwitchBack(candidate)) return;
    switchBackSince = 0;
    LOG.info("desired state now read from {} (was {})", candidate.store.storeName(), active == null ? "none" : active.store.storeName());
    active = candidate;
    Set<String> all = new TreeSet<>(submitted);
    all.addAll(active.state.plugins());
    all.forEach(this::resolve);
    String name = active.store.storeName();
    safely(() -> sink.activeStore(name));
    if (!readySent) {
      readySent = true;
      safely(sink::ready);
    }
  }

  /**
   * True while a voluntary switch from the healthy active view to {@code candidate} should wait: the views still
   * resolve this node's plugins differently and the hold has not run out. Schedules the check at the hold's end.
   */
  private boolean holdSwitchBack(View candidate) {
    if (sameForNode(active, candidate)) return false;
    long now = System.nanoTime();
    if (switchBackSince == 0) {
      switchBackSince = now;
      LOG.info("{} is caught up again but resolves this node's plugins differently from {}; staying on {} until they agree"
          + " (at most {} ms)", candidate.store.storeName(), active.store.storeName(), active.store.storeName(),
          switchBackHold.toMillis());
      CompletableFuture.delayedExecutor(switchBackHold.toNanos(), TimeUnit.NANOSECONDS).execute(() -> exec(this::reselect));
      return true;
    }
    if (now - switchBackSince < switchBackHold.toNanos()) return true;
    LOG.warn("{} and {} still resolve this node's plugins differently after {} ms; {} is in force again",
        candidate.store.storeName(), active.store.storeName(), switchBackHold.toMillis(), candidate.store.storeName());
    return false;
  }

  private boolean sameForNode(View a, View b) {
    Set<String> plugins = new TreeSet<>(a.state.plugins());
    plugins.addAll(b.state.plugins());
    for (String p : plugins) {
      if (a.state.plugins().contains(p) != b.state.plugins().contains(p)) return false;
      if (!a.state.resolve(p, node).equals(b.state.resolve(p, node))) return false;
    }
    return true;
  }

  private void resolve(String plugin) {
    Resolution r = active.state.resolve(plugin, node);
    boolean inStore = active.state.plugins().contains(plugin);
    if (inStore) submitted.add(plugin);
    else submitted.remove(plugin);
    safely(() -> sink.submit(plugin, r, inStore));
  }

  private void exec(Runnable r) {
    try {
      thread.execute(() -> safely(r));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("desired feed closed");
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("desired-state feed step failed", e);
    }
  }

  @Override
  public void close() {
    for (Watch w : watches) {
      try {
        w.close();
      } catch (RuntimeException e) {
        LOG.warn("closing watch {}: {}", w.prefix(), e.toString());
      }
    }
    if (ownThread != null) ownThread.shutdownNow();
  }

  private static final class View {
    final KeySpace store;
    final ServiceDesiredState state;
    StoreState storeState = StoreState.CONNECTING;
    boolean synced;
    final Map<String, String> skipped = new LinkedHashMap<>();

    View(KeySpace store, ServiceDesiredState state) {
      this.store = store;
      this.state = state;
    }

    void state(StoreState s) {
      storeState = s;
      if (s != StoreState.CONNECTED) synced = false;
    }

    void skipped(String key, String reason) {
      skipped.remove(key);
      skipped.put(key, reason);
      if (skipped.size() > MAX_SKIPPED) skipped.remove(skipped.keySet().iterator().next());
    }

    boolean eligible() {
      return storeState == StoreState.CONNECTED && synced;
    }
  }
}
