package dev.switchboard.store.etcd;

import dev.switchboard.store.internal.Futures;
import dev.switchboard.store.internal.KeyedSequencer;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
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
 */
final class EtcdLiveKeys {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdLiveKeys.class);

  private final EtcdKeySpace ks;
  private final Map<String, byte[]> desired = new ConcurrentHashMap<>();
  private final Set<Long> ownLeases = ConcurrentHashMap.newKeySet();
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
            CompletableFuture.supplyAsync(this::lease, ks.scheduler)
                .thenCompose(id -> ks.guard(ks.kv.put(EtcdKeySpace.bytes(key), EtcdKeySpace.bytes(value), PutOption.builder().withLeaseId(id).build()), "putLive " + key))
                .thenApply(r -> null));
  }

  CompletableFuture<Void> delete(String key) {
    desired.remove(key);
    return inKeyOrder(key, () -> ks.guard(ks.kv.delete(EtcdKeySpace.bytes(key)), "deleteLive " + key).thenApply(r -> null));
  }

  private CompletableFuture<Void> rePut(String key, long lease) {
    byte[] value = desired.get(key);
    if (value == null) {
      return CompletableFuture.completedFuture(null); // deleted meanwhile
    }
    return ks.guard(ks.kv.put(EtcdKeySpace.bytes(key), EtcdKeySpace.bytes(value), PutOption.builder().withLeaseId(lease).build()), "re-put live key " + key)
        .thenApply(r -> null);
  }

  private CompletableFuture<Void> inKeyOrder(String key, java.util.function.Supplier<CompletableFuture<Void>> operation) {
    return sequencer.submit(key, operation);
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
    if (desired.isEmpty() || ks.isClosed()) {
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
        }
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
