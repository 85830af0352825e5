package dev.switchboard.bridge;

import dev.switchboard.bridge.ledger.Ledger;
import dev.switchboard.bridge.mapping.Mappings;
import dev.switchboard.bridge.merge.Decision;
import dev.switchboard.bridge.merge.Merge;
import dev.switchboard.bridge.merge.Side;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Futures;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.StoreException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges keys. One code path: a watch event and a full comparison both end in {@link
 * #mergeKey(String)}, which reads the key's current value in both stores and its ledger entry,
 * applies {@link Merge#decide} and performs the decision with fenced writes: into etcd one
 * transaction conditional on the key's mod_revision and the leader's term that also records the
 * ledger entry; into ZooKeeper an intent (fenced on the term), the write conditional on the znode
 * version (or create-if-absent), then the ledger entry. A failed condition means someone wrote in
 * between: the key is merged again from fresh reads.
 */
final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /** Outcome of one merge, for tests and logs. */
  enum Outcome { IN_SYNC, LEDGER_ONLY, WROTE, FENCED, SKIPPED, NOT_LEADER, FAILED }

  private final KeySpace etcd;
  private final KeySpace zk;
  private final Mappings mappings;
  private final Ledger ledger;
  private final BridgeMetrics metrics;
  private final Side winner;
  private final BooleanSupplier leader;
  private final ScheduledExecutorService scheduler;
  private final long timeoutMs;
  final KeyQueue queue = new KeyQueue();
  private final Map<String, long[]> firstSeen = new ConcurrentHashMap<>(); // key -> {nanos, side ordinal}
  /** etcd transactions whose answer was lost (timeout): the next merge finds out whether they applied. */
  private final Map<String, byte[]> unconfirmedEtcd = new ConcurrentHashMap<>();
  /** Keys whose ZooKeeper write (intent recorded, ledger entry not yet) is in progress in this process. */
  private final java.util.Set<String> zkWriting = ConcurrentHashMap.newKeySet();
  private static final byte[] DELETE = new byte[0];

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
   * (null: deleted). A value equal to the ledger entry (with no write intent pending) needs no
   * merge: that side is where both sides last agreed — the echo of the bridge's own write looks
   * exactly like this — and a change on the other side brings its own event. Anything else is
   * queued for a merge from fresh reads.
   */
  void changed(String etcdKey, Side source, byte[] value) {
    if (echo(etcdKey, source, value)) {
      metrics.echo(source);
      return;
    }
    firstSeen.putIfAbsent(etcdKey, new long[] {System.nanoTime(), source.ordinal()});
    queue.offer(etcdKey);
  }

  /**
   * True when the event needs no merge: the value equals the ledger entry (no intent pending), or
   * it is the value this bridge is writing to that store right now — the echo of its own write,
   * arriving before the write's answer. Every outcome of that write ends in a correct ledger
   * entry or in a fresh merge of the key (fenced retry, error retry), so nothing is lost.
   */
  private boolean echo(String etcdKey, Side source, byte[] value) {
    Ledger.Intent intent = ledger.intent(etcdKey);
    if (intent == null) {
      byte[] attempted = source == Side.ETCD ? unconfirmedEtcd.get(etcdKey) : null;
      return Arrays.equals(value, ledger.get(etcdKey)) || attempted != null && Arrays.equals(value, attempted == DELETE ? null : attempted);
    }
    return source == Side.ZOOKEEPER && zkWriting.contains(etcdKey) && Arrays.equals(value, intent.value());
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
      try {
        mergeKey(key);
        metrics.merged(Duration.ofNanos(System.nanoTime() - t0));
      } catch (RuntimeException e) {
        LOG.error("merge of {} failed unexpectedly; retrying in 1 s", key, e);
        retryLater(key, 1000);
      } finally {
        queue.done(key);
      }
    }
  }

  private void retryLater(String key, long ms) {
    try {
      scheduler.schedule(() -> queue.offer(key), ms, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }

  Outcome mergeKey(String etcdKey) {
    if (!leader.getAsBoolean()) {
      firstSeen.remove(etcdKey);
      return Outcome.NOT_LEADER;
    }
    Optional<Mappings.Pair> pair = mappings.fromEtcd(etcdKey);
    if (pair.isEmpty()) {
      firstSeen.remove(etcdKey);
      return Outcome.SKIPPED;
    }
    String zkKey = pair.get().zkKey();
    Optional<Entry> e;
    Optional<Entry> z;
    try {
      CompletableFuture<Optional<Entry>> fe = etcd.get(etcdKey);
      CompletableFuture<Optional<Entry>> fz = zk.get(zkKey);
      e = Futures.await(fe, timeoutMs * 2, "read " + etcdKey);
      z = Futures.await(fz, timeoutMs * 2, "read " + zkKey);
    } catch (StoreException ex) {
      if (ex.code() == StoreException.Code.VALUE_TOO_LARGE) {
        skip(etcdKey, "oversized", ex.getMessage());
        return Outcome.SKIPPED;
      }
      metrics.error("read");
      LOG.warn("merge {}: {}; retrying in 1 s", etcdKey, ex.getMessage());
      retryLater(etcdKey, 1000);
      return Outcome.FAILED;
    }
    if (e.isPresent() && e.get().ephemeral() || z.isPresent() && z.get().ephemeral()) {
      skip(etcdKey, "ephemeral", "key is bound to a session/lease (not desired state): etcd " + e.map(Entry::ephemeral).orElse(false) + ", zookeeper " + z.map(Entry::ephemeral).orElse(false));
      return Outcome.SKIPPED;
    }
    if (z.isPresent() && dev.switchboard.store.Keys.looksSequential(zkKey)) {
      skip(etcdKey, "sequential", "ZooKeeper node " + zkKey + " is sequential (not desired state)");
      return Outcome.SKIPPED;
    }
    if (e.isPresent() && e.get().value().length == 0) {
      skip(etcdKey, "empty_value", "an empty value cannot exist in ZooKeeper (an empty znode is a directory)");
      return Outcome.SKIPPED;
    }
    byte[] ev = e.map(Entry::value).orElse(null);
    byte[] zv = z.map(Entry::value).orElse(null);
    try {
      ledger.refreshIfUncertain(etcdKey);
    } catch (Exception ex) {
      metrics.error("ledger");
      LOG.warn("merge {}: re-reading its ledger entry failed ({}); retrying in 1 s", etcdKey, ex.toString());
      retryLater(etcdKey, 1000);
      return Outcome.FAILED;
    }
    byte[] stored = ledger.get(etcdKey);
    Ledger.Intent intent = ledger.intent(etcdKey);
    byte[] lv = stored;
    if (intent != null) {
      // an earlier ZooKeeper write whose ledger entry was never recorded (crash, lost leadership)
      boolean happened = z.map(Entry::version).orElse(KeySpace.ABSENT) != intent.zkVersionBefore();
      if (happened) {
        lv = intent.value();
        metrics.write(Side.ZOOKEEPER, intent.value() == null); // made, but its confirmation was lost
      }
      LOG.info("merge {}: an earlier ZooKeeper write of {} was interrupted; it {}", etcdKey, Decision.show(intent.value()),
          happened ? "happened" : "did not happen");
    }
    byte[] attempted = unconfirmedEtcd.remove(etcdKey);
    if (attempted != null && Arrays.equals(attempted == DELETE ? null : attempted, ev) && Arrays.equals(ev, zv)) {
      metrics.write(Side.ETCD, ev == null); // applied although its answer was lost
    }
    Decision d = Merge.decide(ev, zv, lv, winner);
    boolean record = !Arrays.equals(stored, d.ledger()) || intent != null;
    Ledger.Result r;
    try {
      if (d.target() == Side.ETCD) {
        unconfirmedEtcd.put(etcdKey, d.value() == null ? DELETE : d.value());
        r = ledger.writeEtcd(etcdKey, d.value(), e.map(Entry::version).orElse(-1L), d.ledger());
        unconfirmedEtcd.remove(etcdKey);
        if (r == Ledger.Result.OK) {
          wrote(d, etcdKey, zkKey, ev, zv, lv);
        }
      } else if (d.target() == Side.ZOOKEEPER) {
        long before = z.map(Entry::version).orElse(KeySpace.ABSENT);
        zkWriting.add(etcdKey);
        try {
          r = ledger.intend(etcdKey, new Ledger.Intent(d.value(), before));
          if (r == Ledger.Result.OK) {
            CompletableFuture<Boolean> f = d.value() == null ? zk.deleteIfVersion(zkKey, before) : zk.putIfVersion(zkKey, d.value(), before);
            if (Futures.await(f, timeoutMs * 2, "write " + zkKey)) {
              wrote(d, etcdKey, zkKey, ev, zv, lv);
              r = ledger.commit(etcdKey, d.ledger());
            } else {
              r = Ledger.Result.VERSION_CHANGED;
            }
          }
        } finally {
          zkWriting.remove(etcdKey);
        }
      } else {
        firstSeen.remove(etcdKey);
        r = record ? ledger.commit(etcdKey, d.ledger()) : Ledger.Result.OK;
      }
    } catch (StoreException ex) {
      metrics.error("write");
      LOG.warn("merge {}: write failed: {}; retrying in 1 s", etcdKey, ex.getMessage());
      retryLater(etcdKey, 1000);
      return Outcome.FAILED;
    } catch (Exception ex) {
      metrics.error("ledger");
      LOG.warn("merge {}: etcd transaction failed: {}; retrying in 1 s", etcdKey, ex.toString());
      retryLater(etcdKey, 1000);
      return Outcome.FAILED;
    }
    switch (r) {
      case NOT_LEADER:
        LOG.warn("merge {}: refused, no longer the leader", etcdKey);
        return Outcome.NOT_LEADER;
      case VERSION_CHANGED:
        metrics.fenceFailed(d.target() == null ? Side.ETCD : d.target());
        LOG.info("merge {}: {} changed since it was read; merging again", etcdKey, d.target() == null ? "etcd" : d.target().label());
        retryLater(etcdKey, 20);
        return Outcome.FENCED;
      default:
        return d.writesStore() ? Outcome.WROTE : record ? Outcome.LEDGER_ONLY : Outcome.IN_SYNC;
    }
  }

  private void wrote(Decision d, String etcdKey, String zkKey, byte[] ev, byte[] zv, byte[] lv) {
    metrics.write(d.target(), d.value() == null);
    if (d.conflict()) {
      metrics.conflict(winner);
      LOG.warn("conflict on {}: etcd={} zookeeper={} ledger={}; {} wins (conflictWinner), {} := {}",
          etcdKey, Decision.show(ev), Decision.show(zv), Decision.show(lv), winner.label(), d.target().label(), Decision.show(d.value()));
    } else {
      LOG.info("{} -> {}: {} := {}", d.target().other().label(), d.target().label(), d.target() == Side.ETCD ? etcdKey : zkKey, Decision.show(d.value()));
    }
    long[] seen = firstSeen.remove(etcdKey);
    if (seen != null) {
      metrics.lag(Side.values()[(int) seen[1]], Duration.ofNanos(System.nanoTime() - seen[0]));
    }
  }

  private void skip(String etcdKey, String reason, String detail) {
    firstSeen.remove(etcdKey);
    metrics.skip("bridge", reason);
    LOG.warn("skipped {}: {}", etcdKey, detail);
  }

  /**
   * Full comparison: lists both stores and the ledger and queues every key where they are not all
   * equal. Costs one range read in etcd and one pipelined tree read in ZooKeeper, and no write, when
   * nothing differs.
   */
  int scan() {
    if (!leader.getAsBoolean()) {
      return 0;
    }
    Map<String, byte[]> ev = new HashMap<>();
    Map<String, byte[]> zv = new HashMap<>();
    for (String p : mappings.etcdPrefixes()) {
      List<Entry> l = Futures.await(etcd.list(p), timeoutMs * 4, "list etcd " + p);
      for (Entry en : l) {
        if (!en.ephemeral()) {
          mappings.fromEtcd(en.key()).ifPresent(pair -> ev.put(pair.etcdKey(), en.value()));
        }
      }
    }
    for (String p : mappings.zkPrefixes()) {
      List<Entry> l = Futures.await(zk.list(p), timeoutMs * 4, "list zookeeper " + p);
      for (Entry en : l) {
        if (!en.ephemeral()) {
          mappings.fromZk(en.key()).ifPresent(pair -> zv.put(pair.etcdKey(), en.value()));
        }
      }
    }
    TreeSet<String> keys = new TreeSet<>(ev.keySet());
    keys.addAll(zv.keySet());
    keys.addAll(ledger.keys());
    int differing = 0;
    for (String k : keys) {
      byte[] e = ev.get(k);
      byte[] z = zv.get(k);
      if (!Arrays.equals(e, z) || !Arrays.equals(e, ledger.get(k)) || ledger.intent(k) != null) {
        differing++;
        queue.offer(k);
      }
    }
    metrics.scan(differing);
    LOG.info("full comparison: {} key(s) in etcd, {} in zookeeper, {} in the ledger; {} to merge", ev.size(), zv.size(), ledger.size(), differing);
    return differing;
  }
}
