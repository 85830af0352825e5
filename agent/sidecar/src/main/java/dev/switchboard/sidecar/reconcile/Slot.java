package dev.switchboard.sidecar.reconcile;

import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import java.util.concurrent.ScheduledFuture;

/** Per-plugin reconciliation state; touched only on the reconciler's loop thread. */
final class Slot {
  final String plugin;
  Target target;
  /** What the runtime last said (null: not known to the runtime). */
  PluginStatus actual;
  /** Config sent with the activation that made the current runtime state (null: unknown). */
  String appliedConfig;
  /** The second version the runtime runs beside the first (null: one version). */
  LiveSplit split;
  /** Where the reconciler stands with this plugin (see {@link SlotState} for the transitions). */
  SlotState state = SlotState.IDLE;
  int failures;
  String lastError;
  /** The last failure was a refusal while the previous instance kept serving (shown ACTIVE with the error). */
  boolean previousServing;
  /** The scheduled retry while {@link SlotState#BACKING_OFF}, else null. */
  ScheduledFuture<?> retry;
  long flipRecordedFor = -1;
  PluginReport report;

  Slot(String plugin) {
    this.plugin = plugin;
  }

  /** The runtime reported {@code status} outside an operation: a different jar means the applied config is unknown. */
  void observed(PluginStatus status) {
    if (!java.util.Objects.equals(actual == null ? null : actual.sha256(), status.sha256())) appliedConfig = null;
    actual = status;
  }

  /** Nothing is known about the runtime's side any more (detached, or the runtime does not know the plugin). */
  void forgetActual() {
    actual = null;
    appliedConfig = null;
    split = null;
  }

  boolean actuallyInactive() {
    return actual == null || actual.state() == PluginState.INACTIVE;
  }
}
