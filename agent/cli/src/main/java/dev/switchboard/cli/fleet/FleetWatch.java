package dev.switchboard.cli.fleet;

import dev.switchboard.store.Change;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.Watch;
import dev.switchboard.store.WatchListener;
import dev.switchboard.store.WatchOptions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The status keys under a prefix, kept current by one watch (leased and ephemeral keys included). Readers take a
 * {@link #snapshot()} and wait for the next change with {@link #awaitChange}; nothing is called back while a lock is
 * held. A store that reconnects resyncs the view (the adapter delivers the difference).
 */
public final class FleetWatch implements AutoCloseable {
  private final Object lock = new Object();
  private final Map<String, byte[]> keys = new TreeMap<>();
  private long version; // bumped on every delivered change and on every (re)sync
  private boolean synced;
  private StoreState state = StoreState.CONNECTING;
  private final Watch watch;

  public FleetWatch(KeySpace store, String prefix) {
    this.watch = store.watch(prefix, WatchOptions.withEphemeral(), new WatchListener() {
      @Override
      public void onChanges(List<Change> changes) {
        synchronized (lock) {
          for (Change c : changes) {
            if (c.deleted()) keys.remove(c.key());
            else keys.put(c.key(), c.value());
          }
          version++;
          lock.notifyAll();
        }
      }

      @Override
      public void onSynced() {
        synchronized (lock) {
          synced = true;
          version++;
          lock.notifyAll();
        }
      }

      @Override
      public void onState(StoreState s) {
        synchronized (lock) {
          state = s;
          version++;
          lock.notifyAll();
        }
      }
    });
  }

  /** A copy of the keys and values as of now, with the change count it reflects. */
  public Snapshot snapshot() {
    synchronized (lock) {
      return new Snapshot(new TreeMap<>(keys), version, synced, state);
    }
  }

  /**
   * Waits until the view changed after {@code seen} (a snapshot's {@link Snapshot#version()}), at most
   * {@code timeout}; true when it did.
   */
  public boolean awaitChange(long seen, long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (lock) {
      while (version == seen) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  @Override
  public void close() {
    watch.close();
  }

  /**
   * @param synced whether the watch delivered its first full read (before it, the view may be partial)
   */
  public record Snapshot(Map<String, byte[]> keys, long version, boolean synced, StoreState state) {}
}
