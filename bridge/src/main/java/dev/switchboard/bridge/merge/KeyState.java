package dev.switchboard.bridge.merge;

import java.util.Arrays;

/**
 * What this bridge process knows about one key beyond the ledger: the last change its watches
 * delivered from each store, and the latest state both stores were seen to agree on. Immutable;
 * every transition is a pure function, so tests drive it with histories.
 *
 * <p>Cross-store order is the order in which this process saw the changes (each store's own order
 * is its revision order). When the last change seen from one store makes both stores' last seen
 * (present) values equal, that is an <em>agreed</em> state, at those two revisions — exactly what the ledger
 * would have recorded had a merge run at that moment. So a value written again into one store
 * (a re-put, a delete and re-create) after the stores were seen equal is not mistaken for a change
 * that races the other store's later write, even when no merge ran in between (a store frozen, a
 * queue behind). A merge that records a ledger entry also makes that entry the agreed state.
 *
 * @param etcd the last change seen from etcd, null if none was seen
 * @param zk the last change seen from ZooKeeper, null if none was seen
 * @param agreed the latest agreed state known to this process, null if none (then the ledger's)
 * <p>An agreement seen this way is <em>tentative</em> for {@link #RACE_WINDOW_NANOS}: when the other
 * store's next change is seen within that time after it, the two stores' changes are a race (their
 * order cannot be told from the order their watches delivered them: ZooKeeper's watch, a notification
 * and a read, is slower than etcd's), the agreement is dropped and the merge decides from the one
 * before it (the rewrite is then a seen change racing the other store's: a conflict, decided by the
 * rule and counted). An agreement a merge recorded (it read both stores at those revisions) is
 * certain at once.
 *
 * @param etcdFloor the highest etcd revision of the key this process knows of (events, a merge's
 *     reads and writes): an event below it is older than what a merge already acted on
 * @param zkFloor the same for ZooKeeper
 * @param before the agreement {@code agreed} replaced, while {@code agreed} is tentative
 * @param agreedBy the store whose change made {@code agreed} (tentative), null when certain
 * @param agreedAt when that change was seen (nanos, the caller's clock)
 * @param seq how many changes were observed: a merge's record does not replace what the watches
 *     delivered while it ran
 * @param etcdView what etcd's watch last delivered (null: nothing, the key absent in its view),
 *     also when it was older than the floor
 * @param zkView the same for ZooKeeper's watch. Its watch is level-triggered (a notification makes it
 *     read the znode now): a znode the bridge created and a client deleted before the watch read it
 *     is delivered neither as created nor as deleted. So a store's last change known from a merge
 *     ({@code etcd}/{@code zk} after {@link #recorded}) is only taken for what the store holds when
 *     its watch has shown it too: only then does it make an agreement, and a delete read from a
 *     store is delivered when its watch's view is absent.
 */
public record KeyState(Obs etcd, Obs zk, Agreed agreed, long etcdFloor, long zkFloor, Agreed before, Side agreedBy, long agreedAt, long seq,
    Obs etcdView, Obs zkView) {
  public static final KeyState EMPTY = new KeyState(null, null, null, Base.UNKNOWN, Base.UNKNOWN, null, null, 0, 0, null, null);
  /** Changes of the two stores seen less than this apart are a race, not an order. */
  public static final long RACE_WINDOW_NANOS = 1_000_000_000L;
  /** The time of an observation made long after anything else (no race window applies). */
  public static final long LONG_AGO = Long.MIN_VALUE / 2;

  /** A change seen from a store: its value ({@code null}: deleted) and revision ({@link Base#UNKNOWN} for a delete). */
  public record Obs(byte[] value, long revision) {
    Seen seen() {
      return value == null ? null : new Seen(value, revision);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Obs b && b.revision == revision && Arrays.equals(b.value, value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value) * 31 + Long.hashCode(revision);
    }

    @Override
    public String toString() {
      return Decision.show(value) + (value == null ? "" : "@" + revision);
    }
  }

  private Obs obs(Side side) {
    return side == Side.ETCD ? etcd : zk;
  }

  /**
   * The state after a watch delivered {@code value} (null: deleted) at {@code revision} from
   * {@code side}. A change no newer than one already seen or acted on (revision at most the floor) is ignored: a
   * watch re-delivering an old write never moves the state back.
   */
  public KeyState observe(Side side, byte[] value, long revision) {
    return observe(side, value, revision, LONG_AGO);
  }

  /** {@link #observe(Side, byte[], long)}, seen at {@code nanos}: a change of the other store seen within the race window after a tentative agreement drops it. */
  public KeyState observe(Side side, byte[] value, long revision, long nanos) {
    long rev = revision > 0 ? revision : Base.UNKNOWN;
    long floor = side == Side.ETCD ? etcdFloor : zkFloor;
    Obs now = new Obs(value == null ? null : value.clone(), value == null ? Base.UNKNOWN : rev);
    Obs ev = side == Side.ETCD ? now : etcdView;
    Obs zv = side == Side.ZOOKEEPER ? now : zkView;
    if (rev != Base.UNKNOWN && rev <= floor) {
      // older than what a merge acted on, or its very write (an echo): the store's last change stays,
      // but the watch has now shown it — an agreement its record left unconfirmed may stand now
      KeyState shown = new KeyState(etcd, zk, agreed, etcdFloor, zkFloor, before, agreedBy, agreedAt, seq, ev, zv);
      return now.equals(obs(side)) ? shown.agreeIfShown(side, nanos) : shown;
    }
    long newFloor = Math.max(floor, rev);
    Obs e = side == Side.ETCD ? now : etcd;
    Obs z = side == Side.ZOOKEEPER ? now : zk;
    Agreed a = agreed;
    Agreed b = before;
    Side by = agreedBy;
    long at = agreedAt;
    if (by != null && (by == side || nanos - at >= RACE_WINDOW_NANOS)) {
      by = null; // the agreement stands: its own store changed again, or the window has passed
      b = null;
    }
    if (by != null && !(value != null && Arrays.equals(value, a.value()))) {
      // the other store changed within the window: a race with the change that made the agreement
      a = b;
      b = null;
      by = null;
    }
    return new KeyState(e, z, a, side == Side.ETCD ? newFloor : etcdFloor, side == Side.ZOOKEEPER ? newFloor : zkFloor, b, by, at, seq + 1, ev, zv)
        .agreeIfShown(side, nanos);
  }

  /**
   * The state once the last changes of both stores, when equal and present and each shown by its
   * store's watch, are the agreed state (made by {@code side}'s change seen at {@code nanos},
   * tentative). Only present values agree this way: a ZooKeeper delete carries no revision, so a
   * late one cannot be told from a fresh one (absent in both is agreed by a merge only).
   */
  private KeyState agreeIfShown(Side side, long nanos) {
    if (etcd == null || zk == null || etcd.value() == null || !Arrays.equals(etcd.value(), zk.value())
        || !etcd.equals(etcdView) || !zk.equals(zkView)) {
      return this;
    }
    if (agreed != null && agreed.etcdRevision() == etcd.revision() && agreed.zkRevision() == zk.revision()) {
      return this;
    }
    return new KeyState(etcd, zk, new Agreed(etcd.value(), etcd.revision(), zk.revision()), etcdFloor, zkFloor, agreed, side, nanos, seq, etcdView, zkView);
  }

  /**
   * The state once a merge's read of {@code side}, issued at {@code nanos}, returned {@code read}
   * (null: absent). When that store no longer holds the write of a tentative agreement made by the
   * other store's change less than the race window before, the two changes are a race however late
   * this store's watch delivers its change (a loaded machine can delay ZooKeeper's notification and
   * read past the window): the agreement is dropped, as when the watch delivers the change in time.
   */
  public KeyState readShows(Side side, Seen read, long nanos) {
    if (agreedBy == null || agreedBy == side || nanos - agreedAt >= RACE_WINDOW_NANOS || agreed.classify(read, side) == Agreed.Change.UNCHANGED) {
      return this;
    }
    return new KeyState(etcd, zk, before, etcdFloor, zkFloor, null, null, 0, seq, etcdView, zkView);
  }

  /**
   * The state after a merge recorded {@code a} in the ledger: both stores held it (at its
   * revisions) when the merge read or wrote them, which is newer than any event still on its way
   * from before; {@code etcdRevision}/{@code zkRevision} are the highest revisions the merge saw.
   */
  public KeyState recorded(Agreed a, long etcdRevision, long zkRevision) {
    return recorded(a, etcdRevision, zkRevision, seq);
  }

  /**
   * {@link #recorded(Agreed, long, long)} by a merge that read the state at {@code seqAtRead}: changes
   * the watches delivered since (while the merge ran) are newer than what it read and stay the last
   * seen (a delete carries no revision to tell).
   */
  public KeyState recorded(Agreed a, long etcdRevision, long zkRevision, long seqAtRead) {
    long ef = Math.max(etcdFloor, Math.max(etcdRevision, a.etcdRevision()));
    long zf = Math.max(zkFloor, Math.max(zkRevision, a.zkRevision()));
    boolean later = seq != seqAtRead;
    return new KeyState(later ? etcd : new Obs(a.value(), a.etcdRevision()), later ? zk : new Obs(a.value(), a.zkRevision()), a, ef, zf, null, null, 0, seq, etcdView, zkView);
  }


  /**
   * The base of the next merge: the newer of the agreed state seen last and the ledger's entry. The
   * agreed state is newer when it is at or after the entry's write in both stores; a ledger without
   * an entry (both absent, no revisions) wins over an agreed value — a standby's agreement can be
   * older than the deletes the leader recorded, and an agreement on absent is only made by merges.
   */
  public Agreed base(Base ledger) {
    if (agreed == null) {
      return Agreed.of(ledger);
    }
    if (ledger == null) {
      return Agreed.NOTHING;
    }
    if (agreed.value() == null) {
      return Agreed.of(ledger);
    }
    boolean newer = agreed.etcdRevision() >= ledger.etcdRevision() && agreed.zkRevision() >= ledger.zkRevision();
    return newer ? agreed : Agreed.of(ledger);
  }

  /**
   * Whether this process's watch of {@code side} has delivered the store's current {@code read} or
   * anything newer: false while the read's write is still on its way (its revision is above every
   * revision of the key this process knows of). A watch delivers every write it has not delivered
   * yet — after a reconnect or a compaction its full re-read too — so such a write is seen shortly.
   */
  public boolean delivered(Side side, Seen read) {
    if (saw(side, read)) {
      return true;
    }
    if (read == null) { // a delete: delivered unless the watch last showed a value
      Obs o = side == Side.ETCD ? etcdView : zkView;
      return o == null || o.value() == null;
    }
    return read.revision() != Base.UNKNOWN && read.revision() <= (side == Side.ETCD ? etcdFloor : zkFloor);
  }

  /** The state once the watch of {@code side} is taken to have delivered {@code read} (null: a delete): it did not within the wait. */
  public KeyState assumeDelivered(Side side, Seen read) {
    if (delivered(side, read)) {
      return this;
    }
    if (read == null) {
      Obs gone = new Obs(null, Base.UNKNOWN);
      return new KeyState(side == Side.ETCD ? gone : etcd, side == Side.ZOOKEEPER ? gone : zk, agreed, etcdFloor, zkFloor, before, agreedBy, agreedAt, seq,
          side == Side.ETCD ? gone : etcdView, side == Side.ZOOKEEPER ? gone : zkView);
    }
    return side == Side.ETCD ? new KeyState(etcd, zk, agreed, Math.max(etcdFloor, read.revision()), zkFloor, before, agreedBy, agreedAt, seq, etcdView, zkView)
        : new KeyState(etcd, zk, agreed, etcdFloor, Math.max(zkFloor, read.revision()), before, agreedBy, agreedAt, seq, etcdView, zkView);
  }

  /** Whether the store's current {@code read} (null: absent) is a change this process saw its watch deliver. */
  public boolean saw(Side side, Seen read) {
    Obs o = obs(side);
    if (o == null) {
      return false;
    }
    if (read == null) {
      return o.value() == null;
    }
    return o.value() != null && o.revision() == read.revision() && Arrays.equals(o.value(), read.value());
  }
}
