package dev.switchboard.bridge.merge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * One key between two model stores and a model bridge, for driving the merge with histories: each
 * store has its own revision counter and a queue of watch events the test delivers when it
 * chooses; a merge reads both stores, decides with {@link Merge#decide} and applies the decision as
 * the engine does (the write's revision recorded in the ledger and the key's state). {@code
 * valueOnly} runs the earlier rule (values only, no key state) for comparison.
 */
final class Sim {
  final Side winner;
  final boolean valueOnly;
  private long etcdRev = 100;
  private long zkRev = 5000;
  Seen e;
  Seen z;
  Base ledger;
  KeyState state = KeyState.EMPTY;
  /** What a standby bridge (watching, never merging) knows; it takes over on {@link #failover}. */
  KeyState standby = KeyState.EMPTY;
  final Deque<KeyState.Obs> etcdEvents = new ArrayDeque<>();
  final Deque<KeyState.Obs> zkEvents = new ArrayDeque<>();
  int conflicts;
  /** Merges that waited for an event no watch was going to deliver (the engine waits 5 s, then decides without it). */
  int waitedInVain;
  int storeWrites;
  Decision last;
  static boolean TRACE = Boolean.getBoolean("history.trace");

  Sim(Side winner, boolean valueOnly) {
    this.winner = winner;
    this.valueOnly = valueOnly;
  }

  static byte[] v(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(Seen x) {
    return x == null ? null : new String(x.value(), StandardCharsets.UTF_8);
  }

  /** A client writes {@code value} (null: delete) into {@code side}. */
  Sim write(Side side, String value) {
    byte[] b = v(value);
    Seen now = b == null ? null : new Seen(b, side == Side.ETCD ? ++etcdRev : ++zkRev);
    if (b == null && (side == Side.ETCD ? e : z) == null) {
      return this; // deleting an absent key changes nothing
    }
    set(side, now);
    return this;
  }

  private void set(Side side, Seen now) {
    KeyState.Obs ev = new KeyState.Obs(now == null ? null : now.value(), now == null ? Base.UNKNOWN : now.revision());
    if (side == Side.ETCD) {
      e = now;
      etcdEvents.add(ev);
    } else {
      z = now;
      zkEvents.add(ev);
    }
  }

  /** The bridge's clock (nanos): deliveries are a second apart unless {@link #soon} says otherwise. */
  long clock;
  private long step = 1_000_000_000L;

  /** From now on deliveries are 5 ms apart (within the race window). */
  Sim soon() {
    step = 5_000_000L;
    return this;
  }

  /** What the ZooKeeper watch last delivered (its view; null: absent). */
  private Seen zkView;

  /**
   * The ZooKeeper watch is level-triggered: each notification makes it read the znode <em>now</em>
   * and deliver the difference to what it delivered before. When the znode's writes so far end where
   * the watch's view already is (created and deleted again before the watch read it), the pending
   * notifications deliver nothing; otherwise one change, the current state.
   */
  Sim zkWatchReadsNow() {
    zkEvents.clear();
    boolean same = z == null ? zkView == null : zkView != null && zkView.revision() == z.revision();
    if (!same) {
      zkEvents.add(new KeyState.Obs(z == null ? null : z.value(), z == null ? Base.UNKNOWN : z.revision()));
    }
    return this;
  }

  /** From now on deliveries are {@code millis} apart. */
  Sim apart(long millis) {
    step = millis * 1_000_000L;
    return this;
  }

  /** The watch of {@code side} delivers its oldest pending event. */
  Sim deliver(Side side) {
    KeyState.Obs o = (side == Side.ETCD ? etcdEvents : zkEvents).poll();
    if (o != null) {
      if (TRACE) {
        System.out.println("deliver " + side.label() + " " + o + " to " + state);
      }
      clock += step;
      if (side == Side.ZOOKEEPER) {
        zkView = o.value() == null ? null : new Seen(o.value(), o.revision());
      }
      state = state.observe(side, o.value(), o.revision(), clock);
      standby = standby.observe(side, o.value(), o.revision(), clock);
    }
    return this;
  }

  Sim deliverAll() {
    while (!etcdEvents.isEmpty() || !zkEvents.isEmpty()) {
      deliver(Side.ETCD);
      deliver(Side.ZOOKEEPER);
    }
    return this;
  }

  /** A new bridge process takes over: only the ledger is left, and what its watches' first full read of each store shows. */
  Sim newProcess() {
    if (TRACE) {
      System.out.println("new process");
    }
    state = initialRead(); // events still on their way reach it too (older ones change nothing it acts on)
    return this;
  }

  /** What a process that starts now knows: its watches start with a full read of each store, delivered as changes. */
  private KeyState initialRead() {
    KeyState k = KeyState.EMPTY;
    if (e != null) {
      k = k.observe(Side.ETCD, e.value(), e.revision());
    }
    if (z != null) {
      k = k.observe(Side.ZOOKEEPER, z.value(), z.revision());
    }
    return k;
  }

  /** The leader dies; the standby, which saw the same events but made no merge, leads; a fresh standby starts. */
  Sim failover() {
    if (TRACE) {
      System.out.println("failover");
    }
    state = standby;
    standby = initialRead();
    return this;
  }

  /** A merge that has read both stores and decided, its write not yet made. */
  record Pending(Seen e, Seen z, Decision d, long seq) {}

  /** The first half of a merge: reads both stores and decides (the write comes with {@link #finish}). */
  Pending begin() {
    Decision d = Merge.decide(e, z, state.base(ledger), winner, state);
    if (TRACE) {
      System.out.println("begin E=" + s(e) + " Z=" + s(z) + " base=" + state.base(ledger) + " -> " + d);
    }
    return new Pending(e, z, d, state.seq());
  }

  private static boolean same(Seen a, Seen b) {
    return a == null ? b == null : b != null && a.revision() == b.revision();
  }

  /**
   * The second half: the write, fenced as the engine fences it — on both stores still holding what
   * the merge read: a ZooKeeper write on the znode's version and (its intent's condition) etcd's
   * mod_revision; an etcd write on etcd's mod_revision and (checked just before) ZooKeeper's mzxid.
   * A refused write changes nothing (the engine merges the key again).
   */
  Sim finish(Pending p) {
    Decision d = p.d();
    last = d;
    if (d.waits()) {
      return this;
    }
    if (d.target() == null) {
      Agreed a = Agreed.of(p.e(), p.z());
      if (!Base.same(ledger, a.toBase())) {
        ledger = a.toBase();
        state = state.recorded(a, p.e() == null ? 0 : p.e().revision(), p.z() == null ? 0 : p.z().revision(), p.seq());
      }
      return this;
    }
    if (!same(p.e(), e) || !same(p.z(), z)) {
      if (TRACE) {
        System.out.println("finish " + d + ": refused (changed since the read)");
      }
      return this;
    }
    if (d.conflict()) {
      conflicts++;
    }
    storeWrites++;
    Side t = d.target();
    set(t, d.value() == null ? null : new Seen(d.value(), t == Side.ETCD ? ++etcdRev : ++zkRev));
    Seen zs = t == Side.ZOOKEEPER ? z : p.z(); // an etcd write records ZooKeeper as read
    Agreed a = d.value() == null ? Agreed.NOTHING : new Agreed(d.value(), e.revision(), zs == null ? Base.UNKNOWN : zs.revision());
    ledger = a.toBase();
    state = state.recorded(a, p.e() == null ? 0 : p.e().revision(), p.z() == null ? 0 : p.z().revision(), p.seq());
    return this;
  }

  /** One merge of the key from fresh reads. */
  Sim merge() {
    long er = e == null ? 0 : e.revision();
    long zr = z == null ? 0 : z.revision();
    Decision d;
    if (valueOnly) {
      d = Merge.decide(e == null ? null : e.value(), z == null ? null : z.value(), ledger == null ? null : ledger.value(), winner);
    } else {
      state = state.readShows(Side.ETCD, e, clock).readShows(Side.ZOOKEEPER, z, clock); // the merge reads both stores now
      d = Merge.decide(e, z, state.base(ledger), winner, state);
      if (d.waits() && etcdEvents.isEmpty() && zkEvents.isEmpty()) {
        // no event is on its way: as the engine after waiting 5 s in vain, decide without it
        waitedInVain++;
        state = state.assumeDelivered(Side.ETCD, e).assumeDelivered(Side.ZOOKEEPER, z);
        d = Merge.decide(e, z, state.base(ledger), winner, state);
      }
    }
    last = d;
    if (d.waits()) { // the engine merges again once the watch delivered the write
      if (TRACE) {
        System.out.println("merge: " + d);
      }
      return this;
    }
    if (TRACE) {
      System.out.println("merge E=" + s(e) + "@" + (e == null ? "-" : e.revision()) + " Z=" + s(z) + "@" + (z == null ? "-" : z.revision()) + " base=" + (valueOnly ? ledger : state.base(ledger)) + " state=" + state + " -> " + d);
    }
    if (d.conflict()) {
      conflicts++;
    }
    if (d.target() != null) {
      storeWrites++;
      Side t = d.target();
      set(t, d.value() == null ? null : new Seen(d.value(), t == Side.ETCD ? ++etcdRev : ++zkRev));
    }
    Agreed a = Agreed.of(e, z);
    if (d.writesStore() || !Base.same(ledger, a.toBase())) { // as the engine: the ledger records every agreement a merge reads
      ledger = a.toBase();
      state = state.recorded(a, er, zr);
    }
    return this;
  }

  /** Delivers and merges until nothing is left to do. */
  Sim settle() {
    for (int i = 0; i < 20; i++) {
      deliverAll();
      merge();
      deliverAll();
      if (!last.writesStore() && Arrays.equals(e == null ? null : e.value(), z == null ? null : z.value())) {
        return this;
      }
    }
    throw new AssertionError("did not settle: etcd " + s(e) + ", zookeeper " + s(z));
  }

  String etcd() {
    return s(e);
  }

  String zk() {
    return s(z);
  }
}
