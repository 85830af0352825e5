package dev.switchboard.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A watched key space in one store (etcd or ZooKeeper), with identical key paths in both.
 *
 * <p>Keys are absolute slash-separated paths ({@code /switchboard/services/...}). In ZooKeeper a
 * key is a znode holding data; a znode with children and no data is a directory, not a key.
 * Parents are created as needed. Futures complete exceptionally with {@link StoreException}.
 */
public interface KeySpace extends AutoCloseable {
  /** Sentinel for fenced writes: the key must not exist. */
  long ABSENT = -1L;

  /** {@code "etcd"} or {@code "zookeeper"}: the name used in status, metrics and logs. */
  String storeName();

  /** Client endpoints as configured, for messages. */
  String endpoints();

  StoreState state();

  void addStateListener(Consumer<StoreState> listener);

  /**
   * Why the store is not connected, as one line naming the cause and the setting to check (wrong
   * CA, expired certificate, wrong password, ...); empty while connected or when unknown.
   */
  default Optional<String> problem() {
    return Optional.empty();
  }

  CompletableFuture<Optional<Entry>> get(String key);

  /**
   * Every key under {@code prefix} (recursively), sorted by key. Ephemeral/leased keys are included
   * and flagged ({@link Entry#ephemeral()}); keys that are not valid paths and values over the
   * bound are left out (and logged).
   */
  CompletableFuture<List<Entry>> list(String prefix);

  /** Unconditional write; completes with the entry as written (with its new version). */
  CompletableFuture<Entry> put(String key, byte[] value);

  /**
   * Fenced write: applied only if the key's current version equals {@code expectedVersion}
   * ({@link #ABSENT}: only if the key does not exist). Completes with {@code false}, not an
   * exception, when the condition failed.
   */
  CompletableFuture<Boolean> putIfVersion(String key, byte[] value, long expectedVersion);

  /**
   * A fenced write ({@code value} null: a fenced delete) that reports the revision it produced:
   * completes with the key's new {@link Entry#revision()} ({@link #ABSENT} after a delete), or
   * empty when the condition failed. The ZooKeeper adapter answers from the write's own result;
   * this default (for other implementations and test fakes) reads the key back after the write.
   */
  default CompletableFuture<java.util.OptionalLong> writeIfVersion(String key, byte[] value, long expectedVersion) {
    CompletableFuture<Boolean> w = value == null ? deleteIfVersion(key, expectedVersion) : putIfVersion(key, value, expectedVersion);
    return w.thenCompose(
        ok -> !ok
            ? CompletableFuture.completedFuture(java.util.OptionalLong.empty())
            : value == null
                ? CompletableFuture.completedFuture(java.util.OptionalLong.of(ABSENT))
                : get(key).thenApply(e -> java.util.OptionalLong.of(e.map(Entry::revision).orElse(ABSENT))));
  }

  /** Unconditional delete; {@code true} if something was deleted. */
  CompletableFuture<Boolean> delete(String key);

  /** Fenced delete; {@code false} when the key's version is not {@code expectedVersion}. */
  CompletableFuture<Boolean> deleteIfVersion(String key, long expectedVersion);

  /**
   * Writes a key that lives only as long as this client: leased with keep-alive in etcd,
   * ephemeral in ZooKeeper. The adapter re-creates it with its latest value after a lease or
   * session loss.
   */
  CompletableFuture<Void> putLive(String key, byte[] value);

  /** Deletes a key written by {@link #putLive} and stops re-creating it. */
  CompletableFuture<Void> deleteLive(String key);

  /** Watches every key under {@code prefix}; see {@link WatchListener} for the delivery rules. */
  Watch watch(String prefix, WatchListener listener);

  /**
   * Watches with options. Implementations of this module support every option; the default here
   * (for test fakes) only accepts {@link WatchOptions#DEFAULTS}.
   */
  default Watch watch(String prefix, WatchOptions options, WatchListener listener) {
    if (!WatchOptions.DEFAULTS.equals(options)) {
      throw new StoreException(StoreException.Code.REJECTED, storeName() + " adapter does not support " + options);
    }
    return watch(prefix, listener);
  }

  /** Closes watches and the client; live keys disappear with the session/lease. */
  @Override
  void close();
}
