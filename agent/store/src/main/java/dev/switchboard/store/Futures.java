package dev.switchboard.store;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Waiting on the store adapter's futures: {@link #await} turns a timeout, an interruption or a failure into a
 * {@link StoreException} naming the operation; {@link #guard} maps a client library's failure to one. Public for the
 * adapter's clients (the bridge, the command line).
 */
public final class Futures {
  private Futures() {}

  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Completes {@code f} with a {@link StoreException} (mapped by {@code map}) on failure or timeout. */
  public static <T> CompletableFuture<T> guard(
      CompletableFuture<T> f, long timeoutMillis, String what, Function<Throwable, StoreException> map) {
    return f.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .handle(
            (v, t) -> {
              if (t == null) {
                return CompletableFuture.completedFuture(v);
              }
              Throwable c = unwrap(t);
              StoreException se;
              if (c instanceof StoreException s) {
                se = s;
              } else if (c instanceof TimeoutException) {
                se = new StoreException(StoreException.Code.UNAVAILABLE, what + ": no answer within " + timeoutMillis + " ms", c);
              } else if (c instanceof CancellationException) {
                se = new StoreException(StoreException.Code.CLOSED, what + ": cancelled", c);
              } else {
                se = map.apply(c);
              }
              return CompletableFuture.<T>failedFuture(se);
            })
        .thenCompose(Function.identity());
  }

  /** Waits for a future; rethrows failures as {@link StoreException}. */
  public static <T> T await(CompletableFuture<T> f, long timeoutMillis, String what) {
    try {
      return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException(StoreException.Code.CLOSED, what + ": interrupted", e);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new StoreException(StoreException.Code.UNAVAILABLE, what + ": no answer within " + timeoutMillis + " ms", e);
    } catch (ExecutionException e) {
      Throwable c = unwrap(e);
      if (c instanceof StoreException s) {
        throw s;
      }
      throw new StoreException(StoreException.Code.INTERNAL, what + ": " + c, c);
    }
  }
}
