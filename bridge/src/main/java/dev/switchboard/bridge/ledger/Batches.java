package dev.switchboard.bridge.ledger;

import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of the ledger's per-key transactions: at most {@code maxInFlight} etcd transactions
 * in flight; what arrives while all are busy goes out together in the next one, each key as a
 * nested transaction with its own conditions and outcome. A key is in at most one transaction in
 * flight (a later transaction of the same key waits until the earlier one is answered), and
 * batches stay under etcd's limits (128 operations per transaction, 1.5 MiB per request by
 * default).
 */
final class Batches {
  private static final Logger LOG = LoggerFactory.getLogger(Batches.class);
  static final int MAX_KEYS = 64;
  static final int MAX_BYTES = 1 << 20;

  /**
   * One key's transaction: {@code ops} if {@code cmps} hold; completed with its outcome. {@code
   * revision} is set, before {@code done} completes, to etcd's revision after the transaction (the
   * mod_revision of every key it wrote).
   */
  record Pending(String key, List<Cmp> cmps, List<Op> ops, int bytes, CompletableFuture<Ledger.Result> done, java.util.concurrent.atomic.AtomicLong revision) {
    Pending(String key, List<Cmp> cmps, List<Op> ops, int bytes, CompletableFuture<Ledger.Result> done) {
      this(key, cmps, ops, bytes, done, new java.util.concurrent.atomic.AtomicLong());
    }
  }

  private final Function<Op[], CompletableFuture<TxnResponse>> send;
  private final Function<TxnResponse, Ledger.Result> refused;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final int maxInFlight;
  private int inFlight; // guarded by queue
  private final Set<String> inFlightKeys = new HashSet<>(); // guarded by queue
  private final java.util.concurrent.atomic.AtomicLong transactions = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong keys = new java.util.concurrent.atomic.AtomicLong();

  Batches(Function<Op[], CompletableFuture<TxnResponse>> send, Function<TxnResponse, Ledger.Result> refused, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight < 1: " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
    this.send = send;
    this.refused = refused;
  }

  void submit(Pending p) {
    synchronized (queue) {
      queue.add(p);
    }
    sendNext();
  }

  /** etcd transactions sent so far. */
  long transactions() {
    return transactions.get();
  }

  /** Per-key transactions they carried. */
  long keys() {
    return keys.get();
  }

  private List<Pending> take() {
    List<Pending> batch = new ArrayList<>();
    synchronized (queue) {
      if (inFlight >= maxInFlight) {
        return batch;
      }
      Set<String> keys = new HashSet<>();
      int bytes = 0;
      for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < MAX_KEYS; ) {
        Pending p = it.next();
        if (!batch.isEmpty() && bytes + p.bytes() > MAX_BYTES) {
          break;
        }
        if (!inFlightKeys.contains(p.key()) && keys.add(p.key())) {
          it.remove();
          batch.add(p);
          bytes += p.bytes();
        }
      }
      if (!batch.isEmpty()) {
        inFlight++;
        inFlightKeys.addAll(keys);
      }
    }
    return batch;
  }

  private void sendNext() {
    List<Pending> batch = take();
    if (batch.isEmpty()) {
      return;
    }
    Op[] nested = new Op[batch.size()];
    for (int i = 0; i < nested.length; i++) {
      Pending p = batch.get(i);
      nested[i] = Op.txn(p.cmps().toArray(Cmp[]::new), p.ops().toArray(Op[]::new), new Op[0]);
    }
    transactions.incrementAndGet();
    keys.addAndGet(batch.size());
    CompletableFuture<TxnResponse> f;
    try {
      f = send.apply(nested);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    // the next batch goes out from the thread completing this one (no extra hop); a send that
    // failed at once recurses at most once per queued key
    f.whenComplete(
        (r, t) -> {
          try {
            synchronized (queue) {
              inFlight--;
              batch.forEach(p -> inFlightKeys.remove(p.key()));
            }
            complete(batch, r, t);
          } finally {
            sendNext();
          }
        });
  }

  private void complete(List<Pending> batch, TxnResponse r, Throwable t) {
    if (t != null) {
      batch.forEach(p -> p.done().completeExceptionally(t));
      return;
    }
    try {
      if (!r.isSucceeded()) {
        Ledger.Result res = refused.apply(r);
        batch.forEach(p -> p.done().complete(res));
        return;
      }
      List<TxnResponse> each = r.getTxnResponses();
      if (each.size() != batch.size()) {
        throw new IllegalStateException("etcd answered " + each.size() + " nested transaction(s) for " + batch.size());
      }
      long revision = r.getHeader().getRevision();
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).revision().set(revision);
        batch.get(i).done().complete(each.get(i).isSucceeded() ? Ledger.Result.OK : Ledger.Result.VERSION_CHANGED);
      }
      if (batch.size() > 1) {
        LOG.debug("ledger: {} transactions in one etcd transaction", batch.size());
      }
    } catch (RuntimeException e) {
      batch.forEach(p -> p.done().completeExceptionally(e));
    }
  }
}
