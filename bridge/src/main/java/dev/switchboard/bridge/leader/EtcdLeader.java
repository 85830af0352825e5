package dev.switchboard.bridge.leader;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on one etcd key: {@code <root>/bridge/leader} holds the leader's id, attached to
 * a lease kept alive by the leader. A candidate creates the key in a transaction that only
 * succeeds if it does not exist; the key's create_revision is the leader's <em>term</em>. A killed
 * leader's lease expires after the TTL and a standby (checking every second) takes over: failover
 * ≤ TTL + 1 s. The leader steps down by itself when it cannot confirm its key for half the TTL, so
 * it stops writing before a successor can start. {@link #fence()} is a comparison on the term that
 * makes any etcd transaction (the ledger's writes) fail once this process is no longer leader.
 */
public final class EtcdLeader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdLeader.class);

  /** Told about leadership changes, on the leader's scheduler thread. */
  public interface Listener {
    void elected(long term);

    void revoked(String why);
  }

  private final Client client;
  private final ByteSequence key;
  private final String id;
  private final Duration ttl;
  private final Listener listener;
  private final ScheduledExecutorService scheduler;
  private volatile long term; // 0: not leader
  private volatile String leaderId = "";
  private long lease;
  private long lastConfirmedNanos;
  private CloseableClient keepAlive;
  private volatile boolean closed;

  public EtcdLeader(Client client, String key, String id, Duration ttl, Listener listener, ScheduledExecutorService scheduler) {
    this.client = client;
    this.key = ByteSequence.from(key, StandardCharsets.UTF_8);
    this.id = id;
    this.ttl = ttl;
    this.listener = listener;
    this.scheduler = scheduler;
  }

  public void start() {
    scheduler.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
  }

  public boolean isLeader() {
    return term != 0;
  }

  public long term() {
    return term;
  }

  /** The id in the leader key as last seen ("" when none). */
  public String leaderId() {
    return leaderId;
  }

  /** A transaction condition true only while this process holds the term it was elected with. */
  public Cmp fence() {
    return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(term));
  }

  private void tick() {
    if (closed) {
      return;
    }
    try {
      if (term != 0) {
        confirm();
      } else {
        campaign();
      }
    } catch (Exception e) {
      if (term != 0 && System.nanoTime() - lastConfirmedNanos > ttl.toNanos() / 2) {
        lose("cannot confirm the leader key for " + ttl.toMillis() / 2 + " ms: " + e);
      } else {
        LOG.debug("leader election: {}", e.toString());
      }
    }
  }

  private void confirm() throws Exception {
    var r = client.getKVClient().get(key).get(2, TimeUnit.SECONDS);
    if (r.getKvs().isEmpty()) {
      lose("leader key vanished");
      return;
    }
    KeyValue kv = r.getKvs().get(0);
    if (kv.getCreateRevision() != term || kv.getLease() != lease) {
      leaderId = kv.getValue().toString(StandardCharsets.UTF_8);
      lose("leader key now belongs to " + leaderId);
      return;
    }
    lastConfirmedNanos = System.nanoTime();
  }

  private void campaign() throws Exception {
    long l = client.getLeaseClient().grant(Math.max(2, ttl.toSeconds())).get(2, TimeUnit.SECONDS).getID();
    TxnResponse r =
        client
            .getKVClient()
            .txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
            .Then(Op.put(key, ByteSequence.from(id, StandardCharsets.UTF_8), PutOption.builder().withLeaseId(l).build()))
            .Else(Op.get(key, GetOption.DEFAULT))
            .commit()
            .get(2, TimeUnit.SECONDS);
    if (!r.isSucceeded()) {
      client.getLeaseClient().revoke(l);
      var kvs = r.getGetResponses().isEmpty() ? java.util.List.<KeyValue>of() : r.getGetResponses().get(0).getKvs();
      leaderId = kvs.isEmpty() ? "" : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
      return;
    }
    lease = l;
    term = r.getHeader().getRevision();
    leaderId = id;
    lastConfirmedNanos = System.nanoTime();
    final long myTerm = term;
    keepAlive =
        client
            .getLeaseClient()
            .keepAlive(
                l,
                new StreamObserver<LeaseKeepAliveResponse>() {
                  @Override
                  public void onNext(LeaseKeepAliveResponse v) {
                    if (v.getTTL() <= 0) {
                      scheduler.execute(() -> loseIf(myTerm, "lease expired"));
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    scheduler.execute(() -> loseIf(myTerm, "lease keep-alive failed: " + t));
                  }

                  @Override
                  public void onCompleted() {}
                });
    LOG.info("bridge {} is now the leader (term {}, lease TTL {} s)", id, term, ttl.toSeconds());
    listener.elected(term);
  }

  /** Gives up leadership (called on the leader's thread, e.g. from {@link Listener#elected}). */
  public void stepDown(String why) {
    lose(why);
  }

  private void loseIf(long t, String why) {
    if (term == t && t != 0) {
      lose(why);
    }
  }

  private void lose(String why) {
    if (term == 0) {
      return;
    }
    term = 0;
    if (keepAlive != null) {
      keepAlive.close();
      keepAlive = null;
    }
    long l = lease;
    lease = 0;
    if (l != 0) {
      client.getLeaseClient().revoke(l);
    }
    LOG.warn("bridge {} lost leadership: {}", id, why);
    listener.revoked(why);
  }

  /** Steps down (the standby takes over at once) and stops campaigning. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      scheduler.submit(() -> lose("shutting down")).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("stepping down: {}", e.toString());
    }
  }
}
