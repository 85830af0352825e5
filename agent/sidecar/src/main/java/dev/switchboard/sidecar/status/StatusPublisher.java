package dev.switchboard.sidecar.status;

import dev.switchboard.sidecar.desired.DesiredKeys;
import dev.switchboard.sidecar.reconcile.PluginReport;
import dev.switchboard.store.Backoff;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.StoreState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the status keys of docs/reference.md §1 to every connected store with {@link KeySpace#putLive}
 * (leased in etcd, ephemeral in ZooKeeper), in order, from one thread. A store that (re)connects
 * gets every key written again whose newest value it has not confirmed (a write skipped or failed while it was away);
 * keys it confirmed are the adapter's to keep (it re-creates live keys after a lease or session loss), so a store
 * restart costs one re-write per key, not two. Writes of one key are coalesced: while one is on its way to a store, newer values
 * replace each other and only the newest is written next.
 */
public final class StatusPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusPublisher.class);

  private final List<KeySpace> stores;
  private final String root;
  private final String service;
  private final String node;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "switchboard-status-writer");
    t.setDaemon(true);
    return t;
  });
  // touched only on the writer thread
  private final Map<String, byte[]> current = new TreeMap<>();
  /** One ordered lane per store: a write is issued only after the previous one completed. */
  private final Map<KeySpace, ExecutorService> lanes = new java.util.IdentityHashMap<>();
  /**
   * Per store, the newest value (or {@link #DELETE}) of each key whose write is queued on the lane and not started:
   * a newer value replaces it there instead of queueing another write (coalescing), so a burst of reports costs one
   * write per key and in-flight write, and the newest value is always the one written next.
   */
  private final Map<KeySpace, Map<String, byte[]>> queued = new java.util.IdentityHashMap<>();
  /** Per store, the value of each key whose write the store confirmed (absent: none, or deleted). */
  private final Map<KeySpace, Map<String, byte[]>> confirmed = new java.util.IdentityHashMap<>();
  /** Marks a queued delete (compared by identity). */
  private static final byte[] DELETE = new byte[0];

  public StatusPublisher(List<KeySpace> stores, String root, String service, String node) {
    this.stores = List.copyOf(stores);
    this.root = root;
    this.service = service;
    this.node = node;
    for (KeySpace ks : this.stores) {
      queued.put(ks, new java.util.concurrent.ConcurrentHashMap<>());
      confirmed.put(ks, new java.util.concurrent.ConcurrentHashMap<>());
      lanes.put(ks, Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-status-" + ks.storeName());
        t.setDaemon(true);
        return t;
      }));
      ks.addStateListener(s -> {
        if (s == StoreState.CONNECTED) submit(() -> rewriteUnconfirmed(ks));
      });
    }
  }

  /** Writes to {@code ks} every key whose newest value (or removal) it has not confirmed. */
  private void rewriteUnconfirmed(KeySpace ks) {
    Map<String, byte[]> done = confirmed.get(ks);
    current.forEach((k, v) -> {
      if (!java.util.Arrays.equals(done.get(k), v)) write(ks, k, v);
    });
    for (String k : List.copyOf(done.keySet())) {
      if (!current.containsKey(k)) write(ks, k, DELETE);
    }
  }

  public void agent(AgentStatus a) {
    put(DesiredKeys.agentStatusKey(root, service, node), StatusJson.bytes(StatusJson.agent(a)));
  }

  public void plugin(PluginReport r) {
    put(DesiredKeys.pluginStatusKey(root, service, node, r.plugin()), StatusJson.bytes(StatusJson.plugin(r)));
  }

  public void removed(String plugin) {
    String key = DesiredKeys.pluginStatusKey(root, service, node, plugin);
    submit(() -> {
      current.remove(key);
      for (KeySpace ks : stores) write(ks, key, DELETE);
    });
  }

  private void put(String key, byte[] value) {
    submit(() -> {
      current.put(key, value);
      for (KeySpace ks : stores) write(ks, key, value);
    });
  }

  /** Queues the newest value of {@code key} for {@code ks}; a write of the key already queued takes it instead. */
  private void write(KeySpace ks, String key, byte[] value) {
    write(ks, key, value, 0);
  }

  /**
   * As {@link #write(KeySpace, String, byte[])}; {@code failures} counts the failed attempts before this one. A
   * failed write while the store stays connected (a timeout under load, an error) is retried with the newest value
   * after a jittered backoff: nothing else would write the key again until the next report, which may never come
   * (a plugin that stays ACTIVE), and the status would stay missing or stale. A store that disconnects gets every key
   * rewritten when it connects.
   */
  private void write(KeySpace ks, String key, byte[] value, int failures) {
    Map<String, byte[]> q = queued.get(ks);
    if (q.put(key, value) != null) return; // coalesced into the queued write
    lane(ks, () -> {
      byte[] v = q.remove(key);
      if (v == null || ks.state() != StoreState.CONNECTED) return; // rewritten when it connects
      try {
        if (v == DELETE) {
          confirmed.get(ks).remove(key);
          ks.deleteLive(key).get(10, TimeUnit.SECONDS);
        } else {
          confirmed.get(ks).remove(key);
          ks.putLive(key, v).get(10, TimeUnit.SECONDS);
          confirmed.get(ks).put(key, v);
        }
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        int attempt = failures + 1;
        long delay = Backoff.jitter(RETRY.delay(attempt).toMillis());
        LOG.warn("cannot write status key {} in {} (attempt {}): {}; writing its newest value again in {} ms", key,
            ks.storeName(), attempt, e instanceof ExecutionException ? e.getCause() : e, delay);
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(() -> submit(() -> {
          byte[] newest = current.get(key);
          write(ks, key, newest == null ? DELETE : newest, attempt);
        }));
      }
    }, "write status key " + key);
  }

  /** Retries of a failed status write: 0.2 s doubling to 10 s, jittered. */
  static final Backoff RETRY = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

  private interface Io {
    void run() throws Exception;
  }

  /** Runs store I/O for {@code ks} in order, each step after the previous one completed. */
  private void lane(KeySpace ks, Io io, String what) {
    try {
      lanes.get(ks).execute(() -> {
        try {
          io.run();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Exception e) {
          LOG.warn("cannot {} in {}: {}", what, ks.storeName(), e.toString());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("status publisher closed");
    }
  }

  private void submit(Runnable r) {
    try {
      writer.execute(() -> {
        try {
          r.run();
        } catch (RuntimeException e) {
          LOG.error("status write failed", e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("status publisher closed");
    }
  }

  @Override
  public void close() {
    writer.shutdown();
    lanes.values().forEach(ExecutorService::shutdown);
  }
}
