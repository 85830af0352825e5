package dev.switchboard.bridge.merge;

import java.util.Arrays;

/**
 * The bridge's one decision rule: a three-way comparison per key between the etcd value {@code E},
 * the ZooKeeper value {@code Z} and the ledger {@code L} (what both held the last time the bridge
 * saw them equal). {@code null} means absent, and absent is a value like any other.
 *
 * <pre>
 * E == Z                 in sync (also what an echo of our own write looks like) -> L := E if it differs
 * E != Z, E == L         ZooKeeper changed    -> etcd := Z      (delete when Z is absent)
 * E != Z, Z == L         etcd changed         -> ZooKeeper := E (delete when E is absent)
 * E != Z, L is neither   both changed: conflict -> the winning store's value goes to the loser
 * </pre>
 *
 * With no ledger entry ({@code L} absent) a key present on one side only matches row 2 or 3 and is
 * copied; present on both sides with different values it is a conflict. Pure function, no I/O.
 *
 * <p>"Changed" is decided by revision ({@link #decide(Seen, Seen, Base, Side)}): a store whose key
 * is at another write than the one the ledger recorded has changed, even when the value is equal
 * to the ledger's again — a client that deleted a key and wrote the same value anew, a znode
 * re-created with the same data. Comparing values only, such a write looked unchanged and the
 * other store's change (e.g. the delete) was copied over it: the write was lost.
 */
public final class Merge {
  private Merge() {}

  /**
   * The table over values only (no revisions known): a store changed when its value differs from
   * the ledger's. What a ledger entry of the value-only format gives.
   */
  public static Decision decide(byte[] e, byte[] z, byte[] l, Side winner) {
    return decide(e == null ? null : new Seen(e, Base.UNKNOWN), z == null ? null : new Seen(z, Base.UNKNOWN),
        l == null ? null : new Base(l, Base.UNKNOWN, Base.UNKNOWN), winner);
  }

  /**
   * The table, a store counting as changed when it holds another write than the ledger recorded
   * ({@link Base#changed}). {@code ledgerChanged} is true when the entry to record differs from
   * {@code l} in value or revisions (after a store write the caller records the write's revision).
   */
  public static Decision decide(Seen e, Seen z, Base l, Side winner) {
    byte[] ev = e == null ? null : e.value();
    byte[] zv = z == null ? null : z.value();
    byte[] lv = l == null ? null : l.value();
    if (Arrays.equals(ev, zv)) {
      boolean ledgerChanged = ev == null ? l != null : !Base.same(l, new Base(ev, e.revision(), z.revision()));
      return new Decision(null, null, ev, ledgerChanged, false);
    }
    boolean eChanged = Base.changed(e, l, Side.ETCD);
    boolean zChanged = Base.changed(z, l, Side.ZOOKEEPER);
    if (zChanged && !eChanged) {
      return new Decision(Side.ETCD, zv, zv, true, false);
    }
    if (eChanged && !zChanged) {
      return new Decision(Side.ZOOKEEPER, ev, ev, true, false);
    }
    if (!eChanged) {
      // neither changed although they differ: a ledger entry that matches neither store's write
      // (cannot happen when it was recorded from both); the values decide
      return decideByValue(ev, zv, lv, winner);
    }
    byte[] win = winner == Side.ETCD ? ev : zv;
    return new Decision(winner.other(), win, win, true, true);
  }

  private static Decision decideByValue(byte[] e, byte[] z, byte[] l, Side winner) {
    if (Arrays.equals(e, l)) {
      return new Decision(Side.ETCD, z, z, !Arrays.equals(l, z), false);
    }
    if (Arrays.equals(z, l)) {
      return new Decision(Side.ZOOKEEPER, e, e, !Arrays.equals(l, e), false);
    }
    byte[] win = winner == Side.ETCD ? e : z;
    return new Decision(winner.other(), win, win, !Arrays.equals(l, win), true);
  }
}
