package dev.switchboard.store.etcd;

import dev.switchboard.store.Backoff;
import dev.switchboard.store.Futures;
import dev.switchboard.store.internal.KeyedSequencer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys bound to one lease with keep-alive. A keep-alive stream that fails (etcd restarted, the connection dropped) is
 * not a lost lease: the lease is asked for its TTL and, still alive, kept with a new keep-alive stream and no key
 * written again. A lease that is lost (TTL 0: expired while partitioned, revoked) is restored: a new lease is granted
 * and every live key is put again with its latest value, once per new lease (a key a caller already wrote under it
 * is skipped). Restores run on the key space's probe thread only (at most one in flight), the first one a jittered
 * 0.5 … 1 s after the loss and failed ones after a jittered exponential backoff up to 30 s ({@link Backoff}), so a
 * fleet that lost etcd together neither comes back in one burst nor keeps an etcd that falls behind busy with
 * restores. Lease changes are guarded by {@code this}; no listener is called under that lock.
 *
 * <p>Every live write is fenced on the key's mod revision after our previous write: a request that
 * timed out here may still reach etcd later (e.g. through a member that was frozen), after a newer
 * value; fenced, it then changes nothing.
 */
final class EtcdLiveKeys {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdLiveKeys.class);

  private final EtcdKeySpace ks;
  private final Map<String, byte[]> desired = new ConcurrentHashMap<>();
  private final Set<Long> ownLeases = ConcurrentHashMap.newKeySet();
  /**
   * Keys whose last live write or delete failed (timed out, refused). A timed-out request may still
   * reach etcd later, after a newer value, so the next successful probe writes the current value
   * (or the delete) again, in key order.
   */
  private final Set<String> unsettled = ConcurrentHashMap.newKeySet();
  /** Mod revision of each key after our last write that etcd confirmed (0 = absent); missing = unknown. */
  private final Map<String, Long> revisions = new ConcurrentHashMap<>();
  /** Writes of one key reach etcd in the order they were made. */
  private final KeyedSequencer sequencer = new KeyedSequencer();
  /** The lease of our last confirmed put of each key (removed on a failed write or a delete). */
  private final Map<String, Long> writtenUnder = new ConcurrentHashMap<>();
  private long leaseId; // guarded by this
  private CloseableClient keepAlive; // guarded by this
  private volatile boolean lost;
  /** The keep-alive stream of the current lease failed; the lease itself may be alive. Guarded by this. */
  private boolean streamBroken;
  /** Completed with the next granted lease; writes made while the lease is lost wait for it. Guarded by this. */
  private CompletableFuture<Long> nextLease = new CompletableFuture<>();
  /** No restore (TTL check, grant, re-puts) before this nanoTime. Guarded by this. */
  private long restoreNotBefore = System.nanoTime();
  private int failedRestores; // guarded by this
  /** The last keep-alive answer with a positive TTL (nanoTime). */
  private volatile long lastAnswerNanos = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
  private final AtomicLong restores = new AtomicLong();
  private final AtomicLong rePuts = new AtomicLong();

  /** First restore delay (jittered to 0.5 … 1 s), doubled after each failed restore up to 30 s. */
  static final Backoff RESTORE_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  EtcdLiveKeys(EtcdKeySpace ks) {
    this.ks = ks;
  }

  boolean isOwn(long lease) {
    return ownLeases.contains(lease);
  }

  CompletableFuture<Void> put(String key, byte[] value) {
    desired.put(key, value);
    return inKeyOrder(
        key,
        () ->
            currentLease().thenCompose(id -> fenced(key, value, id, "putLive " + key, 1)));
  }

  /**
   * The current lease at once when there is one; else granted on the probe thread. A write never waits behind the
   * probe thread's lease check when it does not need a new lease: that check may block for the operation timeout
   * (a lease time-to-live request right after etcd restarted took 5 s to fail), and the first status write after an
   * etcd restart waited for it.
   */
  private CompletableFuture<Long> currentLease() {
    synchronized (this) {
      if (leaseId != 0 && !lost) {
        return CompletableFuture.completedFuture(leaseId);
      }
      if (lost) {
        // the restore grants the next lease (with backoff); a write does not grant one of its own
        return ks.guard(nextLease.copy(), "wait for a new lease");
      }
    }
    return CompletableFuture.supplyAsync(this::lease, ks.scheduler);
  }

  CompletableFuture<Void> delete(String key) {
    desired.remove(key);
    return inKeyOrder(key, () -> fenced(key, null, 0, "deleteLive " + key, 1));
  }

  private CompletableFuture<Void> rePut(String key, long lease) {
    byte[] value = desired.get(key);
    if (value == null) {
      return CompletableFuture.completedFuture(null); // deleted meanwhile
    }
    if (Long.valueOf(lease).equals(writtenUnder.get(key))) {
      return CompletableFuture.completedFuture(null); // a caller's write already put the latest value under it
    }
    rePuts.incrementAndGet();
    return fenced(key, value, lease, "re-put live key " + key, 1);
  }

  private static final int FENCE_ATTEMPTS = 5;

  /**
   * Puts {@code value} under {@code lease} (or deletes, when {@code value} is null) only if the key
   * is still at the revision of our last confirmed write; when it is not (a late request of ours,
   * a lease expiry), learns the current revision and tries again.
   */
  private CompletableFuture<Void> fenced(String key, byte[] value, long lease, String what, int attempt) {
    ByteSequence k = EtcdKeySpace.bytes(key);
    Op op =
        value == null
            ? Op.delete(k, DeleteOption.DEFAULT)
            : Op.put(k, EtcdKeySpace.bytes(value), PutOption.builder().withLeaseId(lease).build());
    return expectedRevision(key, what)
        .thenCompose(
            rev ->
                ks.guard(ks.kv.txn().If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(rev))).Then(op).Else(Op.get(k, GetOption.DEFAULT)).commit(), what))
        .thenCompose(
            r -> {
              if (r.isSucceeded()) {
                revisions.put(key, value == null ? 0L : r.getHeader().getRevision());
                if (value == null) {
                  writtenUnder.remove(key);
                } else {
                  writtenUnder.put(key, lease);
                }
                return CompletableFuture.<Void>completedFuture(null);
              }
              long current = currentRevision(r);
              revisions.put(key, current);
              if (attempt >= FENCE_ATTEMPTS) {
                return CompletableFuture.<Void>failedFuture(
                    new IllegalStateException(what + ": key changed under us " + attempt + " times (now at revision " + current + ")"));
              }
              return fenced(key, value, lease, what, attempt + 1);
            })
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                revisions.remove(key); // the request may still land: the revision is unknown now
                writtenUnder.remove(key);
              }
            });
  }

  private CompletableFuture<Long> expectedRevision(String key, String what) {
    Long known = revisions.get(key);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    return ks.guard(ks.kv.get(EtcdKeySpace.bytes(key)), what + " (read revision)")
        .thenApply(r -> r.getKvs().isEmpty() ? 0L : r.getKvs().get(0).getModRevision());
  }

  private static long currentRevision(TxnResponse r) {
    if (r.getGetResponses().isEmpty() || r.getGetResponses().get(0).getKvs().isEmpty()) {
      return 0L;
    }
    return r.getGetResponses().get(0).getKvs().get(0).getModRevision();
  }

  private CompletableFuture<Void> inKeyOrder(String key, java.util.function.Supplier<CompletableFuture<Void>> operation) {
    return sequencer
        .submit(key, operation)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                writtenUnder.remove(key);
                unsettled.add(key);
              }
            });
  }

  /** Writes the current value (or the delete) of every key whose last write failed. */
  private void settle(long lease) {
    RuntimeException first = null;
    for (String key : Set.copyOf(unsettled)) {
      unsettled.remove(key);
      try {
        Futures.await(
            inKeyOrder(
                key,
                () ->
                    desired.containsKey(key)
                        ? rePut(key, lease)
                        : fenced(key, null, 0, "deleteLive " + key, 1)),
            ks.timeoutMillis(),
            "settle live key " + key);
        LOG.debug("etcd live keys: {} written again", key);
      } catch (RuntimeException e) {
        // one key that keeps failing must not keep the others from being written: go on, report the first failure
        unsettled.add(key);
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * The current lease, granted (with keep-alive) when there is none. Runs on the probe thread only; no jetcd call is
   * made under {@code this}: jetcd calls {@link #markLost}/{@link #markBroken} from its event loop, and a lock held
   * across a jetcd call (or a wait for its answer, which that event loop delivers) stalled or dead-locked the client.
   */
  private long lease() {
    CloseableClient old;
    synchronized (this) {
      if (leaseId != 0 && !lost) {
        return leaseId;
      }
      old = keepAlive;
      keepAlive = null;
      leaseId = 0;
    }
    closeQuietly(old);
    long ttl = ttlSeconds();
    long id = Futures.await(ks.guard(ks.client.getLeaseClient().grant(ttl), "grant lease"), ks.timeoutMillis(), "grant lease").getID();
    ownLeases.add(id);
    synchronized (this) {
      leaseId = id;
      lost = false;
      streamBroken = false;
      lastAnswerNanos = System.nanoTime(); // granted now: as good as an answer
    }
    CloseableClient stream = keepAlive(id);
    CompletableFuture<Long> waiting;
    synchronized (this) {
      if (leaseId == id) {
        keepAlive = stream;
        stream = null;
      }
      waiting = nextLease;
      nextLease = new CompletableFuture<>();
    }
    closeQuietly(stream); // closed meanwhile
    LOG.info("etcd live keys: lease {} granted (TTL {} s)", Long.toHexString(id), ttl);
    waiting.complete(id); // writes that waited for a lease continue
    return id;
  }

  private static void closeQuietly(CloseableClient c) {
    if (c != null) {
      try {
        c.close();
      } catch (RuntimeException e) {
        LOG.debug("closing keep-alive: {}", e.toString());
      }
    }
  }

  private long ttlSeconds() {
    return Math.max(2, ks.options.leaseTtl().toSeconds());
  }

  /** A keep-alive stream for {@code id}; its answers prove the lease and an etcd leader. Never called under this. */
  private CloseableClient keepAlive(long id) {
    return ks.client
        .getLeaseClient()
        .keepAlive(
            id,
            new StreamObserver<LeaseKeepAliveResponse>() {
              @Override
              public void onNext(LeaseKeepAliveResponse r) {
                if (r.getTTL() <= 0) {
                  markLost(id, "keep-alive answered TTL " + r.getTTL());
                } else {
                  lastAnswerNanos = System.nanoTime();
                  ks.heard();
                }
              }

              @Override
              public void onError(Throwable t) {
                markBroken(id, "keep-alive failed: " + t);
              }

              @Override
              public void onCompleted() {
                markBroken(id, "keep-alive completed");
              }
            });
  }

  private void markLost(long id, String why) {
    synchronized (this) {
      if (id != leaseId || lost || ks.isClosed()) {
        return;
      }
      lost = true;
      failedRestores = 0;
      restoreNotBefore = System.nanoTime() + firstDelayNanos();
    }
    LOG.warn("etcd live keys: lease {} lost ({}); will re-grant and re-put {} key(s)", Long.toHexString(id), why, desired.size());
  }

  /** The keep-alive stream ended: whether the lease survived is checked (after a jittered delay) by the next restore. */
  private void markBroken(long id, String why) {
    synchronized (this) {
      if (id != leaseId || lost || streamBroken || ks.isClosed()) {
        return;
      }
      streamBroken = true;
      failedRestores = 0;
      restoreNotBefore = System.nanoTime() + firstDelayNanos();
    }
    LOG.info("etcd live keys: keep-alive of lease {} ended ({}); checking the lease", Long.toHexString(id), why);
  }

  private static long firstDelayNanos() {
    return TimeUnit.MILLISECONDS.toNanos(Backoff.jitter(RESTORE_BACKOFF.delay(1).toMillis()));
  }

  /**
   * Called by the probe thread while etcd answers: keeps the lease (a new keep-alive stream when the old one ended and
   * the lease is alive), restores the keys after a loss, and writes keys whose last write failed. Nothing is sent while
   * the keep-alive answers and no key is unsettled; a failed attempt is retried after a jittered backoff.
   */
  void check() {
    if ((desired.isEmpty() && unsettled.isEmpty()) || ks.isClosed()) {
      return;
    }
    long now = System.nanoTime();
    long id;
    boolean broken;
    synchronized (this) {
      if (now - restoreNotBefore < 0) {
        return;
      }
      id = leaseId;
      broken = streamBroken;
    }
    try {
      if (id != 0 && !lost) {
        boolean answered = !broken && now - lastAnswerNanos < TimeUnit.SECONDS.toNanos(ttlSeconds()) * 2 / 3;
        long ttl = answered ? 1 : timeToLive(id);
        if (ttl > 0) {
          if (!answered) {
            reopen(id); // the stream ended, or went silent without ending: the lease is alive, keep it with a new one
          }
          settle(id);
          restored();
          return;
        }
        markLost(id, "lease has TTL " + ttl + " (expired or revoked)");
      }
      if (id == 0 || lost) {
        boolean afterLoss = lost; // else: the first lease (its grant with the first write failed)
        // every key needs writing under the new lease; one whose write fails stays unsettled for the next attempt
        unsettled.addAll(desired.keySet());
        long fresh = lease();
        if (afterLoss) {
          restores.incrementAndGet();
        }
        // In key order with the callers' writes, and with the value current when it runs, so a restore never lands
        // an older value after a newer one; a key a caller already wrote under the new lease is skipped.
        settle(fresh);
        restored();
        LOG.info("etcd live keys: {} key(s) restored under lease {}", desired.size(), Long.toHexString(fresh));
      }
    } catch (RuntimeException e) {
      long delay;
      int attempt;
      synchronized (this) {
        attempt = ++failedRestores;
        long max = RESTORE_BACKOFF.delay(attempt + 1).toMillis();
        if (leaseId != 0 && !lost) {
          max = Math.min(max, TimeUnit.SECONDS.toMillis(ttlSeconds()) / 3); // a live lease without keep-alive: check it in time
        }
        delay = Backoff.jitter(max);
        restoreNotBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
      }
      LOG.warn("etcd live keys: restore failed ({} in a row), next attempt in {} ms: {}", attempt, delay, e.toString());
    }
  }

  private long timeToLive(long id) {
    return Futures.await(
            ks.guard(ks.client.getLeaseClient().timeToLive(id, io.etcd.jetcd.options.LeaseOption.DEFAULT), "lease time-to-live"),
            ks.timeoutMillis(),
            "lease time-to-live")
        .getTTL();
  }

  /** The lease outlived its keep-alive stream (an etcd restart keeps leases): keep it with a new stream. */
  private void reopen(long id) {
    CloseableClient stream = keepAlive(id);
    CloseableClient old = null;
    synchronized (this) {
      if (id == leaseId && !lost && !ks.isClosed()) {
        old = keepAlive;
        keepAlive = stream;
        stream = null;
        streamBroken = false;
      }
    }
    closeQuietly(old);
    closeQuietly(stream);
    LOG.info("etcd live keys: lease {} still alive; keep-alive resumed, {} key(s) kept", Long.toHexString(id), desired.size());
  }

  private synchronized void restored() {
    failedRestores = 0;
  }

  /** Leases granted after a loss, and keys written again because of one (for tests and diagnostics). */
  long restores() {
    return restores.get();
  }

  long rePuts() {
    return rePuts.get();
  }

  void close() {
    long id;
    CloseableClient old;
    synchronized (this) {
      id = leaseId;
      old = keepAlive;
      keepAlive = null;
      leaseId = 0;
    }
    closeQuietly(old);
    if (id != 0) {
      try {
        ks.client.getLeaseClient().revoke(id).get(1, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.debug("revoking lease on close: {}", e.toString());
      }
    }
  }
}
