package dev.switchboard.store.etcd;

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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys bound to one lease with keep-alive. When the lease is lost (expired while partitioned,
 * revoked, keep-alive stream failed) a new lease is granted and every live key is put again with
 * its latest value. Lease changes happen on the key space's probe thread or the caller's, guarded
 * by {@code this}; no listener is called under that lock.
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
  private long leaseId; // guarded by this
  private CloseableClient keepAlive; // guarded by this
  private volatile boolean lost;

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
                unsettled.add(key);
              }
            });
  }

  /** Writes the current value (or the delete) of every key whose last write failed. */
  private void settle(long lease) {
    for (String key : Set.copyOf(unsettled)) {
      unsettled.remove(key);
      Futures.await(
          inKeyOrder(
              key,
              () ->
                  desired.containsKey(key)
                      ? rePut(key, lease)
                      : fenced(key, null, 0, "deleteLive " + key, 1)),
          ks.timeoutMillis(),
          "settle live key " + key);
      LOG.info("etcd live keys: {} written again after a failed write", key);
    }
  }

  /** The current lease, granted (with keep-alive) when there is none. */
  private synchronized long lease() {
    if (leaseId != 0 && !lost) {
      return leaseId;
    }
    dropLease();
    long ttl = Math.max(2, ks.options.leaseTtl().toSeconds());
    long id = Futures.await(ks.guard(ks.client.getLeaseClient().grant(ttl), "grant lease"), ks.timeoutMillis(), "grant lease").getID();
    leaseId = id;
    ownLeases.add(id);
    lost = false;
    keepAlive =
        ks.client
            .getLeaseClient()
            .keepAlive(
                id,
                new StreamObserver<LeaseKeepAliveResponse>() {
                  @Override
                  public void onNext(LeaseKeepAliveResponse r) {
                    if (r.getTTL() <= 0) {
                      markLost(id, "keep-alive answered TTL " + r.getTTL());
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    markLost(id, "keep-alive failed: " + t);
                  }

                  @Override
                  public void onCompleted() {
                    markLost(id, "keep-alive completed");
                  }
                });
    LOG.info("etcd live keys: lease {} granted (TTL {} s)", Long.toHexString(id), ttl);
    return id;
  }

  private void markLost(long id, String why) {
    synchronized (this) {
      if (id != leaseId || lost || ks.isClosed()) {
        return;
      }
      lost = true;
    }
    LOG.warn("etcd live keys: lease {} lost ({}); will re-grant and re-put {} key(s)", Long.toHexString(id), why, desired.size());
  }

  private void dropLease() {
    if (keepAlive != null) {
      try {
        keepAlive.close();
      } catch (RuntimeException e) {
        LOG.debug("closing keep-alive: {}", e.toString());
      }
      keepAlive = null;
    }
    leaseId = 0;
  }

  /** Called by the probe while etcd answers: verifies the lease and restores the keys after a loss. */
  void check() {
    if ((desired.isEmpty() && unsettled.isEmpty()) || ks.isClosed()) {
      return;
    }
    long id;
    synchronized (this) {
      id = leaseId;
    }
    try {
      if (id != 0 && !lost) {
        long ttl =
            Futures.await(
                    ks.client.getLeaseClient().timeToLive(id, io.etcd.jetcd.options.LeaseOption.DEFAULT),
                    ks.timeoutMillis(),
                    "lease time-to-live")
                .getTTL();
        if (ttl > 0) {
          settle(id);
          return;
        }
        markLost(id, "lease has TTL " + ttl + " (expired or revoked)");
      }
      if (id == 0 || lost) {
        long fresh = lease();
        for (String key : desired.keySet()) {
          // In key order with the callers' writes, and with the value current when it runs, so a
          // restore never lands an older value after a newer one.
          Futures.await(inKeyOrder(key, () -> rePut(key, fresh)), ks.timeoutMillis(), "re-put live key " + key);
          unsettled.remove(key);
        }
        settle(fresh);
        LOG.info("etcd live keys: {} key(s) restored under lease {}", desired.size(), Long.toHexString(fresh));
      }
    } catch (RuntimeException e) {
      LOG.warn("etcd live keys: restore failed, retrying: {}", e.toString());
    }
  }

  synchronized void close() {
    long id = leaseId;
    dropLease();
    if (id != 0) {
      try {
        ks.client.getLeaseClient().revoke(id).get(1, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.debug("revoking lease on close: {}", e.toString());
      }
    }
  }
}
