package dev.switchboard.store.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs asynchronous operations so that those on one key happen one after another, in the order
 * they were submitted; operations on different keys run independently. A failed operation does not
 * stop the next one on its key.
 */
public final class KeyedSequencer {
  /** The last operation submitted per key; the next one on that key waits for it. */
  private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

  /** Starts {@code operation} once every earlier operation on {@code key} has finished. */
  public CompletableFuture<Void> submit(String key, Supplier<CompletableFuture<Void>> operation) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> previous = tails.put(key, mine);
    CompletableFuture<Void> after = previous == null ? CompletableFuture.completedFuture(null) : previous.handle((r, t) -> null);
    after
        .thenCompose(x -> operation.get())
        .whenComplete(
            (r, t) -> {
              tails.remove(key, mine);
              if (t != null) {
                mine.completeExceptionally(t);
              } else {
                mine.complete(null);
              }
            });
    return mine;
  }
}
