package dev.switchboard.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One change in a watched key space: a key now holds a value, or was deleted.
 *
 * @param key full key path, e.g. {@code /switchboard/services/checkout/plugins/rate-limit/enabled}
 * @param value the new value, or {@code null} when the key was deleted
 * @param version the store's version token after the change (etcd mod_revision of the event,
 *     ZooKeeper Stat.version); for deletes the revision/zxid at which the delete was seen, or -1
 * @param ephemeral the key dies with its writer's session/lease (ZooKeeper {@code ephemeralOwner !=
 *     0}, etcd {@code lease != 0}); such keys are only delivered when the watch asked for them
 *     ({@link WatchOptions#includeEphemeral()}) or when they are this adapter's own live keys
 * @param revision identifies this write of the key, also across a delete and re-create: etcd
 *     mod_revision, ZooKeeper mzxid (defaults to {@code version}; not part of {@link #equals})
 */
public record Change(String key, byte[] value, long version, boolean ephemeral, long revision) {
  public Change {
    Objects.requireNonNull(key, "key == null");
    value = value == null ? null : value.clone();
  }

  public Change(String key, byte[] value, long version, boolean ephemeral) {
    this(key, value, version, ephemeral, version);
  }

  /** A change of an ordinary (non-ephemeral) key. */
  public Change(String key, byte[] value, long version) {
    this(key, value, version, false);
  }

  public static Change put(String key, byte[] value, long version) {
    return new Change(key, Objects.requireNonNull(value, "value == null"), version);
  }

  public static Change delete(String key, long version) {
    return new Change(key, null, version);
  }

  public boolean deleted() {
    return value == null;
  }

  @Override
  public byte[] value() {
    return value == null ? null : value.clone();
  }

  public String valueUtf8() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Change c
        && c.key.equals(key)
        && c.version == version
        && c.ephemeral == ephemeral
        && Arrays.equals(c.value, value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, version, ephemeral, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return deleted() ? "Change{" + key + " deleted}" : "Change{" + key + "=" + valueUtf8() + " @" + version + "}";
  }
}
