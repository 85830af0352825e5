package dev.switchboard.bridge.merge;

import java.util.Arrays;

/**
 * A ledger entry: what both stores held the last time the bridge saw them equal, and which write
 * of the key each store held then (etcd mod_revision, ZooKeeper mzxid). A store whose key is at
 * another revision has changed since, even when its value is the same again (deleted and written
 * anew, or re-created). Both stores without the key: no entry ({@code null}).
 *
 * @param etcdRevision etcd's mod_revision at the last merge, {@link #UNKNOWN} for an entry of the
 *     value-only ledger format (then only the value tells a change)
 * @param zkRevision ZooKeeper's mzxid at the last merge, or {@link #UNKNOWN}
 */
public record Base(byte[] value, long etcdRevision, long zkRevision) {
  /** Revision not recorded (a ledger entry written before revisions were recorded). */
  public static final long UNKNOWN = 0;

  public Base {
    java.util.Objects.requireNonNull(value, "value == null");
  }

  public long revision(Side side) {
    return side == Side.ETCD ? etcdRevision : zkRevision;
  }

  /** Both revisions known. */
  public boolean complete() {
    return etcdRevision != UNKNOWN && zkRevision != UNKNOWN;
  }

  /** Whether {@code s} (null: absent), read from {@code side}, is another write than the one this entry recorded. */
  public static boolean changed(Seen s, Base l, Side side) {
    if (l == null) {
      return s != null;
    }
    if (s == null) {
      return true;
    }
    long rev = l.revision(side);
    if (rev == UNKNOWN || s.revision() == UNKNOWN) {
      return !Arrays.equals(s.value(), l.value());
    }
    return rev != s.revision() || !Arrays.equals(s.value(), l.value());
  }

  /** Same value and revisions (null: no entry). */
  public static boolean same(Base a, Base b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.etcdRevision == b.etcdRevision && a.zkRevision == b.zkRevision && Arrays.equals(a.value, b.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Base b && same(this, b);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value) * 31 + Long.hashCode(etcdRevision) * 17 + Long.hashCode(zkRevision);
  }

  @Override
  public String toString() {
    return Decision.show(value) + " @etcd " + etcdRevision + " @zookeeper " + zkRevision;
  }
}
