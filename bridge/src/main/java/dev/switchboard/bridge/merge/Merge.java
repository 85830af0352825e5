package dev.switchboard.bridge.merge;

import java.util.Arrays;

/**
 * The bridge's one decision rule: a three-way comparison per key between what etcd holds
 * ({@code E}), what ZooKeeper holds ({@code Z}) and the base {@code B} — the latest state both
 * stores were known to agree on (the ledger's entry, or a later agreement this process saw its
 * watches deliver, {@link KeyState}). Absent is a value like any other. Each store's key is
 * <em>unchanged</em> (the very write of the base), <em>rewritten</em> (the base's value written
 * again: another revision) or <em>changed</em> (another value).
 *
 * <pre>
 * E == Z (values)                    in sync (also what an echo looks like) -> record B := E, Z (their revisions)
 * one changed, the other unchanged   copy the changed store's value to the other (delete when absent)
 * both changed                       conflict: the winning store's value goes to the loser, counted
 * one changed, the other rewritten,  conflict: a cross-store race this process saw happen — the
 *   the rewrite seen by a watch        rewrite came after the base, the other change before the
 *                                      stores were seen equal again; decided by conflictWinner, counted
 * one changed, the other rewritten,  the order is not known (the rewrite was not delivered as the last
 *   the rewrite not seen               change, e.g. the watch was waited for in vain): the changed store's
 *                                      value is copied, as a value comparison would (the rewrite carries
 *                                      no new value)
 * </pre>
 *
 * Before the table, when {@code E != Z}: if a store holds a write this process's watch has not
 * delivered yet (newer than anything it knows of the key, or a delete after a delivered value), the
 * merge <em>waits</em> ({@link Decision#waitFor}): the write was made milliseconds ago and its event,
 * which decides the order the table relies on (and may end a tentative agreement, {@link KeyState}),
 * is on its way; the key is merged again once it arrived.
 *
 * With no base ({@code B} absent in both), a key present on one side only is "changed" there and
 * copied; present on both sides with different values it is a conflict. Pure function, no I/O.
 */
public final class Merge {
  private Merge() {}

  /** The table over values only (revisions not known): what a ledger of the value-only format gives. */
  public static Decision decide(byte[] e, byte[] z, byte[] l, Side winner) {
    return decide(e == null ? null : new Seen(e, Base.UNKNOWN), z == null ? null : new Seen(z, Base.UNKNOWN),
        l == null ? Agreed.NOTHING : new Agreed(l, Base.UNKNOWN, Base.UNKNOWN), winner, KeyState.EMPTY, false);
  }

  /**
   * The table. {@code known} tells whether a rewrite was seen by this process's watches (only used
   * when one store changed and the other was rewritten). The decision's ledger value is what both
   * stores hold afterwards; after a store write the caller records the revision the write produced.
   */
  public static Decision decide(Seen e, Seen z, Agreed base, Side winner, KeyState known) {
    return decide(e, z, base, winner, known, true);
  }

  private static Decision decide(Seen e, Seen z, Agreed base, Side winner, KeyState known, boolean waitForWatches) {
    byte[] ev = e == null ? null : e.value();
    byte[] zv = z == null ? null : z.value();
    if (Arrays.equals(ev, zv)) {
      Agreed now = Agreed.of(e, z);
      return new Decision(null, null, ev, !now.equals(base), false, "in sync");
    }
    for (Side side : Side.values()) {
      if (waitForWatches && !known.delivered(side, side == Side.ETCD ? e : z)) {
        return Decision.waitFor(side, side.label() + " holds " + Decision.show(side == Side.ETCD ? ev : zv) + " not yet delivered by its watch");
      }
    }
    Agreed.Change ec = base.classify(e, Side.ETCD);
    Agreed.Change zc = base.classify(z, Side.ZOOKEEPER);
    if (ec == Agreed.Change.CHANGED && zc == Agreed.Change.CHANGED) {
      return conflict(ev, zv, winner, "both changed");
    }
    Side changed = ec == Agreed.Change.CHANGED ? Side.ETCD : Side.ZOOKEEPER;
    Agreed.Change other = changed == Side.ETCD ? zc : ec;
    byte[] v = changed == Side.ETCD ? ev : zv;
    if (other == Agreed.Change.UNCHANGED) {
      return new Decision(changed.other(), v, v, true, false, changed.label() + " changed");
    }
    // the other store was rewritten with the base's value
    Seen rewrite = changed == Side.ETCD ? z : e;
    if (known.saw(changed.other(), rewrite)) {
      return conflict(ev, zv, winner, changed.label() + " changed while " + changed.other().label() + " was written again");
    }
    return new Decision(changed.other(), v, v, true, false,
        changed.label() + " changed; " + changed.other().label() + " written again with the same value unseen (order unknown)");
  }

  private static Decision conflict(byte[] ev, byte[] zv, Side winner, String why) {
    byte[] win = winner == Side.ETCD ? ev : zv;
    return new Decision(winner.other(), win, win, true, true, why);
  }
}
