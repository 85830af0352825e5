package dev.switchboard.store.etcd;

import dev.switchboard.store.Futures;
import dev.switchboard.store.StoreException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The key space's plain (unconditional) writes, made through an etcd leader change: a request cut by
 * the change ({@code channel closed}, {@code leader changed}) or waiting on a member without a leader
 * would otherwise take etcd's whole request timeout (7 s) and fail. So a write is a series of
 * <em>attempts</em>, each with its own deadline ({@link #ATTEMPT_MILLIS}), until one is answered or
 * the operation's deadline passes; an unavailable store is retried after {@link #PAUSE_MILLIS}.
 *
 * <p>Each attempt is fenced: it reads the key, then writes it in a transaction conditional on the
 * key still being at the revision read (or absent). An attempt whose answer was lost and that lands
 * late therefore never overwrites a newer write, and a retry that finds the key already holding the
 * value (an earlier attempt landed) stops there instead of writing it again. A condition that failed
 * (someone wrote in between) is retried at once: the last writer still wins, as with a plain put.
 */
final class EtcdWrites {
  /** Deadline of one attempt (read + conditional write). */
  static final long ATTEMPT_MILLIS = 1000;
  /** Pause after an attempt that found the store unavailable. */
  static final long PAUSE_MILLIS = 100;
  private static final long CHANGED = Long.MIN_VALUE;

  private final KV kv;
  private final long timeoutMillis;
  private final BiFunction<String, Throwable, StoreException> map;

  EtcdWrites(KV kv, long timeoutMillis, BiFunction<String, Throwable, StoreException> map) {
    this.kv = kv;
    this.timeoutMillis = timeoutMillis;
    this.map = map;
  }

  /** Writes {@code value} ({@code null}: deletes the key); completes with the revision of the write (the header revision after a delete). */
  CompletableFuture<Result> write(String key, byte[] value) {
    String what = (value == null ? "delete " : "put ") + key;
    return attempt(key, value, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), 1, what);
  }

  /** A write's outcome: its revision, and for a delete whether a key was there to delete (or an earlier attempt may have deleted it). */
  record Result(long revision, boolean deleted) {}

  private CompletableFuture<Result> attempt(String key, byte[] value, long deadline, int n, String what) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    long budget = Math.max(1, Math.min(left, ATTEMPT_MILLIS));
    ByteSequence k = ByteSequence.from(key, java.nio.charset.StandardCharsets.UTF_8);
    CompletableFuture<Result> once = kv.get(k).thenCompose(r -> {
      KeyValue now = r.getKvs().isEmpty() ? null : r.getKvs().get(0);
      if (value == null && now == null) {
        return CompletableFuture.completedFuture(new Result(r.getHeader().getRevision(), n > 1));
      }
      if (n > 1 && value != null && now != null && Arrays.equals(now.getValue().getBytes(), value)) {
        return CompletableFuture.completedFuture(new Result(now.getModRevision(), false)); // an earlier attempt landed
      }
      Cmp unchanged = now == null
          ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
          : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(now.getModRevision()));
      Op op = value == null ? Op.delete(k, DeleteOption.DEFAULT) : Op.put(k, ByteSequence.from(value), PutOption.DEFAULT);
      return kv.txn().If(unchanged).Then(op).commit()
          .thenApply(t -> new Result(t.isSucceeded() ? t.getHeader().getRevision() : CHANGED, true));
    });
    return Futures.guard(once, budget, what + " (attempt " + n + ")", t -> map.apply(what, t))
        .handle((res, t) -> {
          if (t == null && res.revision() != CHANGED) {
            return CompletableFuture.completedFuture(res);
          }
          Throwable c = t == null ? null : Futures.unwrap(t);
          boolean unavailable = c instanceof StoreException se && se.code() == StoreException.Code.UNAVAILABLE;
          if (c != null && !unavailable) {
            return CompletableFuture.<Result>failedFuture(c);
          }
          if (System.nanoTime() >= deadline) {
            return CompletableFuture.<Result>failedFuture(c != null ? c
                : new StoreException(StoreException.Code.UNAVAILABLE, what + ": the key changed under every attempt within " + timeoutMillis + " ms"));
          }
          long pause = c == null ? 0 : Math.min(PAUSE_MILLIS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
          return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS))
              .thenCompose(x -> attempt(key, value, deadline, n + 1, what));
        })
        .thenCompose(Function.identity());
  }
}
