package dev.switchboard.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Open-loop writes at a fixed rate, round-robin over {@code keys} keys of one store, and the time
 * until a watch (on the same or the other store) shows each value. Writes are issued
 * asynchronously at their scheduled instants whatever the answers do (no coordinated omission),
 * and each sample is measured from the <em>scheduled</em> instant. Values carry a per-key sequence
 * number; a watch event showing sequence {@code s} of a key resolves every write of that key up to
 * {@code s} (a bridge may coalesce several writes of one key into one: the earlier ones are then
 * visible when the later one is).
 */
final class OpenLoop {
  /** Issues one asynchronous write; reports a failure through {@code failed}. */
  interface Writer {
    void write(String key, byte[] value, Runnable failed, Runnable acked);
  }

  /** Results of one run. */
  record Result(List<Long> lagNanos, long issued, long unresolved, long writeErrors, long acked, double achievedRate, long maxBehindNanos, Map<String, Long> firstUnresolved) {
    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>(lagNanos.isEmpty() ? Map.of() : Stats.ofNanos(lagNanos).json());
      m.put("writes_issued", issued);
      m.put("not_seen_within_timeout", unresolved);
      m.put("write_errors", writeErrors);
      m.put("writes_acknowledged", acked);
      if (unresolved > 0) m.put("first_unseen_write_per_key_sample", firstUnresolved);
      m.put("achieved_writes_per_second", Stats.round(achievedRate));
      m.put("writer_max_behind_schedule_ms", Stats.round(maxBehindNanos / 1e6));
      return m;
    }
  }

  private final String tag;
  private final List<String> keys;
  private final Map<String, ArrayDeque<long[]>> pending = new ConcurrentHashMap<>(); // key -> {seq, scheduledNanos}
  private final List<Long> lags = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong outstanding = new AtomicLong();
  private volatile boolean recording;

  OpenLoop(String tag, List<String> keys) {
    this.tag = tag;
    this.keys = keys;
    keys.forEach(k -> pending.put(k, new ArrayDeque<>()));
  }

  static List<String> keys(String prefix, int n) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < n; i++) l.add(prefix + "/k" + i);
    return l;
  }

  /** The value of write {@code seq} (also used for the warm-up value 0). */
  byte[] value(long seq) {
    return ("{\"" + tag + "\":" + seq + "}").getBytes(StandardCharsets.UTF_8);
  }

  private long seqOf(byte[] v) {
    String s = new String(v, StandardCharsets.UTF_8);
    String head = "{\"" + tag + "\":";
    if (!s.startsWith(head) || !s.endsWith("}")) return -1;
    try {
      return Long.parseLong(s.substring(head.length(), s.length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A watch event: {@code key} holds {@code value}, seen at {@code eventNanos}, read at {@code readNanos}. */
  void seen(String key, byte[] value, long eventNanos, long readNanos) {
    if (value == null) return;
    ArrayDeque<long[]> q = pending.get(key);
    long s = seqOf(value);
    if (q == null || s < 0) return;
    synchronized (q) {
      while (!q.isEmpty() && q.peekFirst()[0] <= s) {
        long[] w = q.pollFirst();
        // the event may precede a write issued after it whose value the (later) read returned
        long at = w[1] <= eventNanos ? eventNanos : readNanos;
        if (recording) lags.add(Math.max(0, at - w[1]));
        outstanding.decrementAndGet();
      }
    }
  }

  /** Writes value 0 to every key and waits until the watch has shown all of them (nothing recorded). */
  void warmUp(Writer writer, long timeoutMillis) throws InterruptedException {
    recording = false;
    for (String key : keys) {
      ArrayDeque<long[]> q = pending.get(key);
      synchronized (q) {
        q.addLast(new long[] {0, System.nanoTime()});
      }
      outstanding.incrementAndGet();
      writer.write(key, value(0), errors::incrementAndGet, () -> {});
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (outstanding.get() > 0) {
      if (System.nanoTime() > deadline) throw new IllegalStateException(tag + ": warm-up values of " + outstanding.get() + " key(s) not seen within " + timeoutMillis + " ms");
      Thread.sleep(10);
    }
    if (errors.get() > 0) throw new IllegalStateException(tag + ": " + errors.get() + " warm-up write(s) failed");
    recording = true;
  }

  /** Runs {@code rate} writes/s for {@code seconds}, then waits up to {@code drain} for all to be seen. */
  Result run(Writer writer, double rate, double seconds, long drainMillis) throws InterruptedException {
    long n = Math.max(1, Math.round(rate * seconds));
    long period = Math.round(1e9 / rate);
    long start = System.nanoTime() + 1_000_000;
    long maxBehind = 0;
    long seq = 1000; // above the warm-up values
    for (long i = 0; i < n; i++) {
      long at = start + i * period;
      long now;
      while ((now = System.nanoTime()) < at) {
        LockSupport.parkNanos(Math.min(at - now, 200_000));
      }
      maxBehind = Math.max(maxBehind, now - at);
      String key = keys.get((int) (i % keys.size()));
      long s = ++seq;
      ArrayDeque<long[]> q = pending.get(key);
      synchronized (q) {
        q.addLast(new long[] {s, at});
      }
      outstanding.incrementAndGet();
      writer.write(key, value(s), errors::incrementAndGet, acked::incrementAndGet);
    }
    long end = System.nanoTime();
    long deadline = end + TimeUnit.MILLISECONDS.toNanos(drainMillis);
    while (outstanding.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    List<Long> copy;
    synchronized (lags) {
      copy = new ArrayList<>(lags);
    }
    Map<String, Long> unseen = new java.util.TreeMap<>();
    for (Map.Entry<String, ArrayDeque<long[]>> e : pending.entrySet()) {
      synchronized (e.getValue()) {
        if (!e.getValue().isEmpty() && unseen.size() < 5) unseen.put(e.getKey(), e.getValue().peekFirst()[0]);
      }
    }
    return new Result(copy, n, outstanding.get(), errors.get(), acked.get(), n / ((end - start) / 1e9), maxBehind, unseen);
  }

  // ---- store plumbing shared by the bridge runs and the raw baselines ----

  /**
   * Asynchronous etcd puts, but those of one key one after another: etcd may apply concurrent
   * requests in any order (seen here under load: an older value of a key landing after a newer
   * one), while a ZooKeeper session applies its requests in order anyway.
   */
  static Writer etcdWriter(Client c) {
    Map<String, java.util.concurrent.CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    return (key, value, failed, acked) ->
        tails.compute(key, (k, prev) -> (prev == null ? java.util.concurrent.CompletableFuture.<Void>completedFuture(null) : prev)
            .thenCompose(x -> c.getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value)))
            .handle((r, t) -> {
              if (t != null) failed.run(); else acked.run();
              return null;
            }));
  }

  static Writer zkWriter(ZooKeeper zk) {
    return (key, value, failed, acked) ->
        zk.setData(key, value, -1, (rc, path, ctx, stat) -> { if (rc != KeeperException.Code.OK.intValue()) failed.run(); else acked.run(); }, null);
  }

  /** A prefix watch on etcd feeding {@code loop.seen}. */
  static Watch.Watcher watchEtcd(Client c, String prefix, OpenLoop loop) {
    return c.getWatchClient().watch(ByteSequence.from(prefix + "/", StandardCharsets.UTF_8), WatchOption.builder().isPrefix(true).build(),
        Watch.listener(resp -> {
          long t = System.nanoTime();
          resp.getEvents().forEach(ev -> loop.seen(ev.getKeyValue().getKey().toString(StandardCharsets.UTF_8), ev.getKeyValue().getValue().getBytes(), t, t));
        }));
  }

  /** A persistent recursive watch on ZooKeeper; each event is followed by an asynchronous read of the node. */
  static Watcher watchZk(ZooKeeper zk, String prefix, OpenLoop loop) throws Exception {
    Watcher w = e -> {
      if (e.getType() != Watcher.Event.EventType.NodeDataChanged && e.getType() != Watcher.Event.EventType.NodeCreated) return;
      long t = System.nanoTime();
      zk.getData(e.getPath(), false, (rc, path, ctx, data, stat) -> {
        if (rc == KeeperException.Code.OK.intValue()) loop.seen(path, data, t, System.nanoTime());
      }, null);
    };
    zk.addWatch(prefix, w, AddWatchMode.PERSISTENT_RECURSIVE);
    return w;
  }
}
