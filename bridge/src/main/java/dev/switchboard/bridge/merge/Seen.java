package dev.switchboard.bridge.merge;

/**
 * What a merge read from one store for a key (a key absent there is {@code null}, not a {@code
 * Seen}).
 *
 * @param value the value (never null)
 * @param revision identifies this write of the key, also across a delete and re-create: etcd
 *     mod_revision, ZooKeeper mzxid; {@link Base#UNKNOWN} when not known
 */
public record Seen(byte[] value, long revision) {
  public Seen {
    java.util.Objects.requireNonNull(value, "value == null");
  }
}
