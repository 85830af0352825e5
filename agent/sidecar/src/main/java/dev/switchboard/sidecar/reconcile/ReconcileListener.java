package dev.switchboard.sidecar.reconcile;

import java.time.Duration;

/** Receives the {@link Reconciler}'s reports and measurements; called on its loop thread with no lock held. */
public interface ReconcileListener {
  default void onReport(PluginReport report) {}

  default void onRemoved(String plugin) {}

  /** A change observed at the store reached the runtime's ACTIVE/INACTIVE answer. */
  default void onFlip(String plugin, boolean active, Duration elapsed) {}

  default void onFailure(String plugin, String reason) {}

  /** A task on the loop threw (a bug in the reconciler): logged, and reported here. */
  default void onLoopError(RuntimeException error) {}
}
