package dev.switchboard.bridge.merge;

import java.util.Arrays;

/**
 * A state both stores held at one moment: the value ({@code null}: absent in both) and which write
 * of the key each store held then (etcd mod_revision, ZooKeeper mzxid; {@link Base#UNKNOWN} when not
 * known — an absent key, or a ledger entry of the value-only format). The base of a key's merge:
 * a store at another write has changed since, even when it holds the same value again.
 */
public record Agreed(byte[] value, long etcdRevision, long zkRevision) {
  /** Both stores without the key, revisions not known. */
  public static final Agreed NOTHING = new Agreed(null, Base.UNKNOWN, Base.UNKNOWN);

  public long revision(Side side) {
    return side == Side.ETCD ? etcdRevision : zkRevision;
  }

  /** The ledger's entry as an agreed state ({@code null}: both absent). */
  public static Agreed of(Base ledger) {
    return ledger == null ? NOTHING : new Agreed(ledger.value(), ledger.etcdRevision(), ledger.zkRevision());
  }

  /** What both stores hold when they hold {@code e} and {@code z} of equal values. */
  public static Agreed of(Seen e, Seen z) {
    if (e == null || z == null) {
      if (e != z) {
        throw new IllegalArgumentException("not equal: etcd " + e + ", zookeeper " + z);
      }
      return NOTHING;
    }
    if (!Arrays.equals(e.value(), z.value())) {
      throw new IllegalArgumentException("not equal: etcd " + Decision.show(e.value()) + ", zookeeper " + Decision.show(z.value()));
    }
    return new Agreed(e.value(), e.revision(), z.revision());
  }

  /** The ledger entry recording this state ({@code null}: none, both absent). */
  public Base toBase() {
    return value == null ? null : new Base(value, etcdRevision, zkRevision);
  }

  /** Whether {@code s} (null: absent), read from {@code side}, is exactly the write this state recorded. */
  public Change classify(Seen s, Side side) {
    byte[] v = s == null ? null : s.value();
    if (!Arrays.equals(v, value)) {
      return Change.CHANGED;
    }
    if (v == null) {
      return Change.UNCHANGED;
    }
    long rev = revision(side);
    return rev == Base.UNKNOWN || s.revision() == Base.UNKNOWN || rev == s.revision() ? Change.UNCHANGED : Change.REWRITTEN;
  }

  /** How one store's key relates to the agreed state. */
  public enum Change {
    /** The very write that was agreed (or the same value where revisions are not known). */
    UNCHANGED,
    /** The same value, written again since (a re-put, or deleted and re-created). */
    REWRITTEN,
    /** Another value (or absent where a value was agreed, or the reverse). */
    CHANGED
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Agreed a && a.etcdRevision == etcdRevision && a.zkRevision == zkRevision && Arrays.equals(a.value, value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value) * 31 + Long.hashCode(etcdRevision) * 17 + Long.hashCode(zkRevision);
  }

  @Override
  public String toString() {
    return Decision.show(value) + (value == null ? "" : " @etcd " + etcdRevision + " @zookeeper " + zkRevision);
  }
}
