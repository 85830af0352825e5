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
 * @param etcdFloor the highest etcd revision of the key this process knows of (events, a merge's
 *     reads and writes): an event below it is older than what a merge already acted on
 * @param zkFloor the same for ZooKeeper
 */
public record KeyState(Obs etcd, Obs zk, Agreed agreed, long etcdFloor, long zkFloor) {
  public static final KeyState EMPTY = new KeyState(null, null, null, Base.UNKNOWN, Base.UNKNOWN);

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
    long rev = revision > 0 ? revision : Base.UNKNOWN;
    long floor = side == Side.ETCD ? etcdFloor : zkFloor;
    if (rev != Base.UNKNOWN && rev <= floor) {
      return this;
    }
    long newFloor = Math.max(floor, rev);
    Obs now = new Obs(value == null ? null : value.clone(), value == null ? Base.UNKNOWN : rev);
    Obs e = side == Side.ETCD ? now : etcd;
    Obs z = side == Side.ZOOKEEPER ? now : zk;
    Agreed a = agreed;
    // only present values agree this way: a ZooKeeper delete carries no revision, so a late one
    // cannot be told from a fresh one (absent in both is agreed by a merge only)
    if (e != null && z != null && e.value() != null && Arrays.equals(e.value(), z.value())) {
      a = new Agreed(e.value(), e.revision(), z.revision());
    }
    return new KeyState(e, z, a, side == Side.ETCD ? newFloor : etcdFloor, side == Side.ZOOKEEPER ? newFloor : zkFloor);
  }

  /**
   * The state after a merge recorded {@code a} in the ledger: both stores held it (at its
   * revisions) when the merge read or wrote them, which is newer than any event still on its way
   * from before; {@code etcdRevision}/{@code zkRevision} are the highest revisions the merge saw.
   */
  public KeyState recorded(Agreed a, long etcdRevision, long zkRevision) {
    long ef = Math.max(etcdFloor, Math.max(etcdRevision, a.etcdRevision()));
    long zf = Math.max(zkFloor, Math.max(zkRevision, a.zkRevision()));
    return new KeyState(new Obs(a.value(), a.etcdRevision()), new Obs(a.value(), a.zkRevision()), a, ef, zf);
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
