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
 */
public final class Merge {
  private Merge() {}

  public static Decision decide(byte[] e, byte[] z, byte[] l, Side winner) {
    if (Arrays.equals(e, z)) {
      boolean ledgerChanged = !Arrays.equals(l, e);
      return new Decision(null, null, e, ledgerChanged, false);
    }
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
