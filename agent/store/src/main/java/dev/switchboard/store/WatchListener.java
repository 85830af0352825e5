package dev.switchboard.store;

import java.util.List;

/**
 * Receives the changes under a watched prefix, in store order, from one thread at a time.
 *
 * <p>A watch first delivers the current content as changes (a snapshot), then {@link #onSynced()}.
 * After a reconnect or an etcd compaction the adapter re-reads the prefix, diffs it against what
 * it last delivered (deletes included), delivers the difference, then calls {@link #onSynced()}
 * again: there is never a silent gap.
 */
public interface WatchListener {
  /** Changes in the order the store applied them. Never called with an empty list. */
  void onChanges(List<Change> changes);

  /** The listener's view now equals the store's (after the initial read or a resync). */
  default void onSynced() {}

  /** A key or value under the prefix was refused (invalid name, oversized value) and skipped. */
  default void onSkipped(String key, String reason) {}

  /** The connection state changed. */
  default void onState(StoreState state) {}
}
