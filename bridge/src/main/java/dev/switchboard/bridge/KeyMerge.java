package dev.switchboard.bridge;

import dev.switchboard.bridge.ledger.Ledger;
import dev.switchboard.bridge.merge.Agreed;
import dev.switchboard.bridge.merge.Base;
import dev.switchboard.bridge.merge.Decision;
import dev.switchboard.bridge.merge.KeyState;
import dev.switchboard.bridge.merge.Merge;
import dev.switchboard.bridge.merge.Seen;
import dev.switchboard.bridge.merge.Side;
import dev.switchboard.store.Entry;
import dev.switchboard.store.Futures;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.Keys;
import dev.switchboard.store.StoreException;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One merge of one key, in three steps: {@link #read} both stores, the ledger and the key's state
 * into a {@link Reads}; {@link Merge#decide} (pure); {@link #apply} the decision with fenced writes
 * and record the agreed state with the revisions the writes produced — into etcd one transaction
 * conditional on the key's mod_revision and the leader's term that also records the ledger entry;
 * into ZooKeeper an intent (fenced on the term), a re-read that must find the znode still at the
 * mzxid the merge read, the write conditional on the znode version (or create-if-absent), then the
 * ledger entry.
 */
final class KeyMerge {
  private static final Logger LOG = LoggerFactory.getLogger(KeyMerge.class);

  /** Outcome of one merge, for tests and logs. */
  enum Outcome { IN_SYNC, LEDGER_ONLY, WROTE, FENCED, WAITING, SKIPPED, NOT_LEADER, FAILED }

  /** How long a merge waits for a watch to deliver a write it read before deciding without it. */
  static final long WATCH_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

  /** What a merge read: both stores (null: absent; {@code *Version} the fencing token), the base it decides against. */
  record Reads(Seen e, long eVersion, Seen z, long zVersion, Base stored, Ledger.Intent intent, Agreed base, KeyState state) {}

  /** Where the engine's shared pieces are reached from a merge. */
  interface Context {
    KeySpace etcd();

    KeySpace zk();

    Ledger ledger();

    BridgeMetrics metrics();

    Side winner();

    long timeoutMs();

    KeyState state(String etcdKey);

    void updateState(String etcdKey, UnaryOperator<KeyState> f);

    void retryLater(String etcdKey, long ms);

    /** {@code etcdKey} is not bridged: {@code from} is the store the offending value was read from. */
    void skipped(String etcdKey, Side from, String reason, String detail);

    void wrote(String etcdKey, Side target);
  }

  private final Context c;
  /** Keys whose merge waits for a watch to deliver a write it read -> since when (nanos). */
  private final java.util.Map<String, Long> waiting = new java.util.concurrent.ConcurrentHashMap<>();

  KeyMerge(Context c) {
    this.c = c;
  }

  /** Merges {@code etcdKey} (bridged as {@code zkKey}) from fresh reads. */
  Outcome merge(String etcdKey, String zkKey) {
    Reads r;
    try {
      r = read(etcdKey, zkKey);
    } catch (StoreException ex) {
      return failed(etcdKey, "read", ex.getMessage());
    } catch (Exception ex) {
      return failed(etcdKey, "ledger", "re-reading its ledger entry failed (" + ex + ")");
    }
    if (r == null) {
      return Outcome.SKIPPED;
    }
    Decision d = Merge.decide(r.e(), r.z(), r.base(), c.winner(), r.state());
    if (d.waits()) {
      long since = waiting.computeIfAbsent(etcdKey, k -> System.nanoTime());
      if (System.nanoTime() - since < WATCH_WAIT_NANOS) {
        LOG.debug("merge {}: {}; merging again once it arrives", etcdKey, d.why());
        c.retryLater(etcdKey, 50); // its event queues the key too
        return Outcome.WAITING;
      }
      LOG.warn("merge {}: {} after {} ms; deciding without it", etcdKey, d.why(), (System.nanoTime() - since) / 1_000_000);
      KeyState assumed = r.state().assumeDelivered(Side.ETCD, r.e()).assumeDelivered(Side.ZOOKEEPER, r.z());
      d = Merge.decide(r.e(), r.z(), r.base(), c.winner(), assumed);
    }
    waiting.remove(etcdKey);
    try {
      return apply(etcdKey, zkKey, r, d);
    } catch (StoreException ex) {
      c.ledger().markUncertain(etcdKey);
      return failed(etcdKey, "write", "write failed: " + ex.getMessage());
    } catch (Exception ex) {
      c.ledger().markUncertain(etcdKey);
      return failed(etcdKey, "ledger", "etcd transaction failed: " + ex);
    }
  }

  /** Rethrows {@code ex} unless the value read from {@code from} is larger than the adapter accepts: then skips the key (null). */
  private Reads skippedIfOversized(StoreException ex, String etcdKey, Side from) {
    if (ex.code() != StoreException.Code.VALUE_TOO_LARGE) throw ex;
    c.skipped(etcdKey, from, "oversized", ex.getMessage());
    return null;
  }

  private Outcome failed(String etcdKey, String reason, String what) {
    c.metrics().error(reason);
    LOG.warn("merge {}: {}; retrying in 1 s", etcdKey, what);
    c.retryLater(etcdKey, 1000);
    return Outcome.FAILED;
  }

  private static Seen seen(Optional<Entry> en) {
    return en.map(x -> new Seen(x.value(), x.revision())).orElse(null);
  }

  /** Step 1: both stores, the ledger entry (and an interrupted write's intent) and the key's state; null if the key is skipped. */
  Reads read(String etcdKey, String zkKey) throws Exception {
    long readAt = System.nanoTime();
    CompletableFuture<Optional<Entry>> fe = c.etcd().get(etcdKey);
    CompletableFuture<Optional<Entry>> fz = c.zk().get(zkKey);
    Optional<Entry> e;
    Optional<Entry> z;
    try {
      e = Futures.await(fe, c.timeoutMs() * 2, "read " + etcdKey);
    } catch (StoreException ex) {
      return skippedIfOversized(ex, etcdKey, Side.ETCD);
    }
    try {
      z = Futures.await(fz, c.timeoutMs() * 2, "read " + zkKey);
    } catch (StoreException ex) {
      return skippedIfOversized(ex, etcdKey, Side.ZOOKEEPER);
    }
    if (e.isPresent() && e.get().ephemeral() || z.isPresent() && z.get().ephemeral()) {
      c.skipped(etcdKey, e.isPresent() && e.get().ephemeral() ? Side.ETCD : Side.ZOOKEEPER, "ephemeral", "key is bound to a session/lease (not desired state): etcd " + e.map(Entry::ephemeral).orElse(false) + ", zookeeper " + z.map(Entry::ephemeral).orElse(false));
      return null;
    }
    if (z.isPresent() && Keys.looksSequential(zkKey)) {
      c.skipped(etcdKey, Side.ZOOKEEPER, "sequential", "ZooKeeper node " + zkKey + " is sequential (not desired state)");
      return null;
    }
    if (e.isPresent() && e.get().value().length == 0) {
      c.skipped(etcdKey, Side.ETCD, "empty_value", "an empty value cannot exist in ZooKeeper (an empty znode is a directory)");
      return null;
    }
    c.ledger().refreshIfUncertain(etcdKey);
    Seen es = seen(e);
    Seen zs = seen(z);
    Base stored = c.ledger().base(etcdKey);
    Ledger.Intent intent = c.ledger().intent(etcdKey);
    c.updateState(etcdKey, s -> s.readShows(Side.ETCD, es, readAt).readShows(Side.ZOOKEEPER, zs, readAt));
    KeyState state = c.state(etcdKey);
    Agreed base = state.base(stored);
    if (intent != null) {
      // an earlier ZooKeeper write whose ledger entry was never recorded (crash, lost leadership)
      boolean happened = intent.happened(z.map(Entry::version).orElse(KeySpace.ABSENT), z.map(Entry::revision).orElse(KeySpace.ABSENT));
      if (happened) {
        // ZooKeeper's current revision is that write's when it still holds its value (else it changed since)
        base = intent.value() == null ? Agreed.NOTHING
            : new Agreed(intent.value(), intent.etcdRevision(), zs != null && Arrays.equals(zs.value(), intent.value()) ? zs.revision() : Base.UNKNOWN);
        c.metrics().write(Side.ZOOKEEPER, intent.value() == null); // made, but its confirmation was lost
      }
      LOG.info("merge {}: an earlier ZooKeeper write of {} was interrupted; it {}", etcdKey, Decision.show(intent.value()), happened ? "happened" : "did not happen");
    }
    return new Reads(es, e.map(Entry::version).orElse(-1L), zs, z.map(Entry::version).orElse(KeySpace.ABSENT), stored, intent, base, state);
  }

  /** Step 3: the decision's write (fenced) and the agreed state recorded in the ledger and the key's state. */
  Outcome apply(String etcdKey, String zkKey, Reads r, Decision d) throws Exception {
    Ledger ledger = c.ledger();
    Ledger.Result res;
    if (d.target() == Side.ETCD) {
      // ZooKeeper still at the write the merge read (the etcd transaction below is conditional on
      // etcd's): never copy an outdated value
      res = zkUnchanged(zkKey, r) ? ledger.writeEtcd(etcdKey, d.value(), r.eVersion(), r.z() == null ? Base.UNKNOWN : r.z().revision()) : Ledger.Result.VERSION_CHANGED;
      if (res == Ledger.Result.OK) {
        recordState(etcdKey, ledger.base(etcdKey), r);
        wrote(etcdKey, zkKey, r, d);
      }
    } else if (d.target() == Side.ZOOKEEPER) {
      long etcdRevision = r.e() == null ? Base.UNKNOWN : r.e().revision();
      // the intent is conditional on etcd still holding what the merge read: never copy an outdated value
      res = ledger.intend(etcdKey, new Ledger.Intent(d.value(), r.z() == null ? KeySpace.ABSENT : r.z().revision(), true, etcdRevision), r.e() == null ? -1 : r.eVersion());
      if (res == Ledger.Result.OK) {
        OptionalLong made;
        try {
          // ZooKeeper conditions a write on the data version only, which a znode deleted and created
          // again starts anew at 0: right before the write, the znode must still be the very write
          // the merge read (its mzxid) — what is left is one round trip between this read and the write
          made = r.z() != null && !zkUnchanged(zkKey, r) ? OptionalLong.empty()
              : Futures.await(c.zk().writeIfVersion(zkKey, d.value(), r.zVersion()), c.timeoutMs() * 2, "write " + zkKey);
        } catch (RuntimeException ex) {
          ledger.markUncertain(etcdKey); // whether it happened is not known: the next merge re-reads the ledger and judges the intent
          throw ex;
        }
        if (made.isPresent()) {
          wrote(etcdKey, zkKey, r, d);
          Base entry = d.value() == null ? null : new Base(d.value(), etcdRevision, made.getAsLong());
          res = ledger.commit(etcdKey, entry);
          if (res == Ledger.Result.OK) {
            recordState(etcdKey, entry, r);
          }
        } else {
          // the write's condition failed (ZooKeeper changed since the read, or its parents did
          // meanwhile): it did not happen, so the intent goes — a later merge must not take it for
          // a write that happened — and the next merge decides from fresh reads of both stores
          // and the ledger
          res = ledger.withdraw(etcdKey) == Ledger.Result.NOT_LEADER ? Ledger.Result.NOT_LEADER : Ledger.Result.VERSION_CHANGED;
        }
      }
    } else {
      Agreed now = Agreed.of(r.e(), r.z());
      boolean record = !Base.same(r.stored(), now.toBase()) || r.intent() != null;
      // recorded only if both stores held these writes at one instant: ZooKeeper read again (after
      // etcd's read), etcd still at its read when the entry is written
      res = !record ? Ledger.Result.OK
          : zkUnchanged(zkKey, r) ? ledger.commitIf(etcdKey, now.toBase(), r.e() == null ? -1 : r.eVersion()) : Ledger.Result.VERSION_CHANGED;
      if (res == Ledger.Result.OK) {
        c.updateState(etcdKey, s -> s.recorded(now, rev(r.e()), rev(r.z()), r.state().seq()));
      }
      if (!record) {
        return Outcome.IN_SYNC;
      }
    }
    switch (res) {
      case NOT_LEADER:
        LOG.warn("merge {}: refused, no longer the leader", etcdKey);
        return Outcome.NOT_LEADER;
      case VERSION_CHANGED:
        ledger.markUncertain(etcdKey);
        c.metrics().fenceFailed(d.target() == null ? Side.ETCD : d.target());
        LOG.info("merge {}: the key changed since the merge read it (writing {}); merging again from fresh reads", etcdKey, d.target() == null ? "the ledger" : d.target().label());
        c.retryLater(etcdKey, 20);
        return Outcome.FENCED;
      default:
        return d.writesStore() ? Outcome.WROTE : Outcome.LEDGER_ONLY;
    }
  }

  private boolean zkUnchanged(String zkKey, Reads r) {
    Optional<Entry> now = Futures.await(c.zk().get(zkKey), c.timeoutMs() * 2, "read " + zkKey);
    return r.z() == null ? now.isEmpty() : now.isPresent() && now.get().revision() == r.z().revision();
  }

  private void recordState(String etcdKey, Base entry, Reads r) {
    Agreed a = Agreed.of(entry);
    c.updateState(etcdKey, s -> s.recorded(a, rev(r.e()), rev(r.z()), r.state().seq()));
  }

  private static long rev(Seen s) {
    return s == null ? Base.UNKNOWN : s.revision();
  }

  private void wrote(String etcdKey, String zkKey, Reads r, Decision d) {
    c.metrics().write(d.target(), d.value() == null);
    byte[] ev = r.e() == null ? null : r.e().value();
    byte[] zv = r.z() == null ? null : r.z().value();
    if (d.conflict()) {
      c.metrics().conflict(c.winner());
      LOG.warn("conflict on {}: etcd={} zookeeper={} base={} ({}); {} wins (conflictWinner), {} := {}",
          etcdKey, Decision.show(ev), Decision.show(zv), r.base(), d.why(), c.winner().label(), d.target().label(), Decision.show(d.value()));
    } else {
      LOG.info("{} -> {}: {} := {} ({})", d.target().other().label(), d.target().label(), d.target() == Side.ETCD ? etcdKey : zkKey, Decision.show(d.value()), d.why());
    }
    c.wrote(etcdKey, d.target());
  }
}
