package dev.switchboard.bridge;

import dev.switchboard.bridge.ledger.Ledger;
import dev.switchboard.bridge.mapping.Mappings;
import dev.switchboard.bridge.merge.Agreed;
import dev.switchboard.bridge.merge.Base;
import dev.switchboard.bridge.merge.KeyState;
import dev.switchboard.bridge.merge.Seen;
import dev.switchboard.bridge.merge.Side;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Futures;
import dev.switchboard.store.KeySpace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs merges. One code path: a watch event and a full comparison both end in a {@link KeyMerge}
 * of the key from fresh reads. Every watch event also moves the key's {@link KeyState} (what this
 * process saw each store hold, and the latest state both were seen to agree on). An event that is
 * the very write the key's base recorded for that store — the echo of the bridge's own write —
 * needs no merge; an event arriving while its key is being merged is held and judged once that
 * merge has recorded its outcome (the echo of that merge's write often arrives before the write's
 * answer).
 */
final class Engine implements KeyMerge.Context {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final KeySpace etcd;
  private final KeySpace zk;
  private final Mappings mappings;
  private final Ledger ledger;
  private final BridgeMetrics metrics;
  private final Side winner;
  private final BooleanSupplier leader;
  private final ScheduledExecutorService scheduler;
  private final long timeoutMs;
  private final KeyMerge merge = new KeyMerge(this);
  final KeyQueue queue = new KeyQueue();
  private final Map<String, long[]> firstSeen = new ConcurrentHashMap<>(); // key -> {nanos, side ordinal}
  private final Map<String, KeyState> states = new ConcurrentHashMap<>();
  /** Keys being merged -> the events that arrived meanwhile, judged once the merge is done. Guards itself. */
  private final Map<String, List<Held>> held = new HashMap<>();

  /** An event held while its key was being merged. */
  private record Held(Side source, byte[] value, long revision, long seenNanos) {}

  Engine(KeySpace etcd, KeySpace zk, Mappings mappings, Ledger ledger, BridgeMetrics metrics, Side winner,
      BooleanSupplier leader, ScheduledExecutorService scheduler, long timeoutMs) {
    this.etcd = etcd;
    this.zk = zk;
    this.mappings = mappings;
    this.ledger = ledger;
    this.metrics = metrics;
    this.winner = winner;
    this.leader = leader;
    this.scheduler = scheduler;
    this.timeoutMs = timeoutMs;
  }

  /**
   * A change seen in {@code source} for the bridged key {@code etcdKey}, now holding {@code value}
   * (null: deleted) at {@code revision} (etcd mod_revision, ZooKeeper mzxid). Called on standbys
   * too ({@code merge == false}): they keep the keys' states, so a new leader knows the order in
   * which it saw the stores change.
   */
  void changed(String etcdKey, Side source, byte[] value, long revision, boolean merge) {
    long now = System.nanoTime();
    updateState(etcdKey, s -> s.observe(source, value, revision));
    if (!merge) {
      return;
    }
    synchronized (held) {
      List<Held> h = held.get(etcdKey);
      if (h != null) {
        h.add(new Held(source, value, revision, now));
        return;
      }
    }
    judge(etcdKey, new Held(source, value, revision, now));
  }

  private void judge(String etcdKey, Held ev) {
    if (echo(etcdKey, ev)) {
      metrics.echo(ev.source());
      return;
    }
    firstSeen.putIfAbsent(etcdKey, new long[] {ev.seenNanos(), ev.source().ordinal()});
    queue.offer(etcdKey);
  }

  /**
   * True when the event is the write the ledger recorded for that store (no intent pending). Judged
   * against the ledger, not a newer agreement seen by the watches: a write that only the watches saw
   * agree (the same value written again) is merged, so the ledger records its revision — a standby
   * taking over decides from the ledger.
   */
  private boolean echo(String etcdKey, Held ev) {
    if (ledger.intent(etcdKey) != null) {
      return false;
    }
    Agreed base = Agreed.of(ledger.base(etcdKey));
    Seen s = ev.value() == null ? null : new Seen(ev.value(), ev.revision());
    return base.classify(s, ev.source()) == Agreed.Change.UNCHANGED && (s == null || base.revision(ev.source()) != Base.UNKNOWN);
  }

  void workerLoop() {
    while (true) {
      String key;
      try {
        key = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        return;
      }
      long t0 = System.nanoTime();
      synchronized (held) {
        held.put(key, new ArrayList<>());
      }
      try {
        mergeKey(key);
        metrics.merged(Duration.ofNanos(System.nanoTime() - t0));
      } catch (RuntimeException e) {
        LOG.error("merge of {} failed unexpectedly; retrying in 1 s", key, e);
        retryLater(key, 1000);
      } finally {
        List<Held> events;
        synchronized (held) {
          events = held.remove(key);
        }
        for (Held ev : events) {
          judge(key, ev);
        }
        queue.done(key);
      }
    }
  }

  KeyMerge.Outcome mergeKey(String etcdKey) {
    if (!leader.getAsBoolean()) {
      firstSeen.remove(etcdKey);
      return KeyMerge.Outcome.NOT_LEADER;
    }
    Optional<Mappings.Pair> pair = mappings.fromEtcd(etcdKey);
    if (pair.isEmpty()) {
      firstSeen.remove(etcdKey);
      return KeyMerge.Outcome.SKIPPED;
    }
    KeyMerge.Outcome o = merge.merge(etcdKey, pair.get().zkKey());
    if (o == KeyMerge.Outcome.IN_SYNC || o == KeyMerge.Outcome.LEDGER_ONLY) {
      firstSeen.remove(etcdKey);
    }
    return o;
  }

  /** Forgets what the watches showed (the key states), e.g. when the watches restart. */
  void forgetStates() {
    states.clear();
  }

  @Override
  public void retryLater(String key, long ms) {
    try {
      scheduler.schedule(() -> queue.offer(key), ms, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("not retrying {}: shutting down", key);
    }
  }

  @Override
  public KeySpace etcd() {
    return etcd;
  }

  @Override
  public KeySpace zk() {
    return zk;
  }

  @Override
  public Ledger ledger() {
    return ledger;
  }

  @Override
  public BridgeMetrics metrics() {
    return metrics;
  }

  @Override
  public Side winner() {
    return winner;
  }

  @Override
  public long timeoutMs() {
    return timeoutMs;
  }

  @Override
  public KeyState state(String etcdKey) {
    return states.getOrDefault(etcdKey, KeyState.EMPTY);
  }

  @Override
  public void updateState(String etcdKey, UnaryOperator<KeyState> f) {
    states.compute(etcdKey, (k, s) -> f.apply(s == null ? KeyState.EMPTY : s));
  }

  @Override
  public void wrote(String etcdKey, Side target) {
    long[] seen = firstSeen.remove(etcdKey);
    if (seen != null) {
      metrics.lag(Side.values()[(int) seen[1]], Duration.ofNanos(System.nanoTime() - seen[0]));
    }
  }

  @Override
  public void skipped(String etcdKey, Side from, String reason, String detail) {
    firstSeen.remove(etcdKey);
    metrics.skip(from.label(), reason);
    LOG.warn("skipped {} (value from {}): {}", etcdKey, from.label(), detail);
  }

  /**
   * Full comparison: lists both stores and the ledger and queues every key that is not exactly the
   * writes its base recorded in both stores. Costs one range read in etcd and one pipelined tree
   * read in ZooKeeper, and no write, when nothing differs.
   */
  int scan() {
    if (!leader.getAsBoolean()) {
      return 0;
    }
    Map<String, Seen> ev = list(Side.ETCD);
    Map<String, Seen> zv = list(Side.ZOOKEEPER);
    TreeSet<String> keys = new TreeSet<>(ev.keySet());
    keys.addAll(zv.keySet());
    keys.addAll(ledger.keys());
    int differing = 0;
    for (String k : keys) {
      Agreed base = state(k).base(ledger.base(k));
      boolean recorded = base.classify(ev.get(k), Side.ETCD) == Agreed.Change.UNCHANGED
          && base.classify(zv.get(k), Side.ZOOKEEPER) == Agreed.Change.UNCHANGED
          && (base.value() == null || base.revision(Side.ETCD) != Base.UNKNOWN && base.revision(Side.ZOOKEEPER) != Base.UNKNOWN)
          && Agreed.of(ledger.base(k)).equals(base);
      if (!recorded || ledger.intent(k) != null) {
        differing++;
        queue.offer(k);
      }
    }
    metrics.scan(differing);
    LOG.info("full comparison: {} key(s) in etcd, {} in zookeeper, {} in the ledger; {} to merge", ev.size(), zv.size(), ledger.size(), differing);
    return differing;
  }

  private Map<String, Seen> list(Side side) {
    Map<String, Seen> m = new HashMap<>();
    KeySpace ks = side == Side.ETCD ? etcd : zk;
    for (String p : side == Side.ETCD ? mappings.etcdPrefixes() : mappings.zkPrefixes()) {
      List<Entry> l = Futures.await(ks.list(p), timeoutMs * 4, "list " + side.label() + " " + p);
      for (Entry en : l) {
        if (!en.ephemeral()) {
          (side == Side.ETCD ? mappings.fromEtcd(en.key()) : mappings.fromZk(en.key()))
              .ifPresent(pair -> m.put(pair.etcdKey(), new Seen(en.value(), en.revision())));
        }
      }
    }
    return m;
  }
}
