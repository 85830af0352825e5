package dev.switchboard.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One key and its value as read from a store.
 *
 * <p>{@code version} is the store's own token for fencing: etcd's {@code mod_revision}, ZooKeeper's
 * {@code Stat.version}. It is only meaningful to the {@link KeySpace} that returned it.
 *
 * <p>{@code revision} identifies this exact write of the key, also across a delete and re-create
 * (which restarts ZooKeeper's {@code Stat.version} at 0): etcd's {@code mod_revision}, ZooKeeper's
 * {@code mzxid}. It defaults to {@code version}; it is not part of {@link #equals}.
 */
public final class Entry {
  private final String key;
  private final byte[] value;
  private final long version;
  private final boolean ephemeral;
  private final long revision;

  public Entry(String key, byte[] value, long version) {
    this(key, value, version, false);
  }

  /**
   * @param ephemeral the key dies with its writer's session/lease (ZooKeeper {@code ephemeralOwner
   *     != 0}, etcd {@code lease != 0}): not desired state; the bridge never copies it
   */
  public Entry(String key, byte[] value, long version, boolean ephemeral) {
    this(key, value, version, ephemeral, version);
  }

  /** With the store-wide {@code revision} of this write (etcd mod_revision, ZooKeeper mzxid). */
  public Entry(String key, byte[] value, long version, boolean ephemeral, long revision) {
    this.revision = revision;
    this.key = Objects.requireNonNull(key, "key == null");
    this.value = Objects.requireNonNull(value, "value == null").clone();
    this.version = version;
    this.ephemeral = ephemeral;
  }

  /** True for a key bound to a session or lease (status keys, live keys). */
  public boolean ephemeral() {
    return ephemeral;
  }

  public String key() {
    return key;
  }

  public byte[] value() {
    return value.clone();
  }

  public String valueUtf8() {
    return new String(value, StandardCharsets.UTF_8);
  }

  public long version() {
    return version;
  }

  /** etcd {@code mod_revision}, ZooKeeper {@code mzxid}: changes with every write, delete + re-create included. */
  public long revision() {
    return revision;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e && e.key.equals(key) && e.version == version && e.ephemeral == ephemeral && Arrays.equals(e.value, value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, version, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return "Entry{" + key + "=" + valueUtf8() + " @" + version + "}";
  }
}
