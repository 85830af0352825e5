package dev.switchboard.sidecar.reconcile;

import dev.switchboard.control.PluginState;

/**
 * Where the reconciler stands with one plugin: held by its {@link Slot} and changed only on the
 * reconciler's loop thread.
 *
 * <p>Transitions (the target is the slot's desired state, numbered by its generation):
 * <pre>
 *   IDLE        -- activation needed, jar not cached ---------------------&gt; FETCHING
 *   IDLE        -- activation needed, jar cached -------------------------&gt; LOADING
 *   IDLE        -- deactivation needed -----------------------------------&gt; STOPPING
 *   IDLE        -- traffic split, new weights, promote or abort needed ---&gt; SHIFTING
 *   FETCHING    -- jar fetched, activation sent --------------------------&gt; LOADING
 *   FETCHING, LOADING, STOPPING, SHIFTING -- operation answered ----------&gt; IDLE (then decides again)
 *   IDLE        -- operation failed, retryable, target unchanged ---------&gt; BACKING_OFF
 *   IDLE        -- operation refused for good, target unchanged ----------&gt; REFUSED
 *   BACKING_OFF -- retry delay over --------------------------------------&gt; IDLE (then decides again)
 *   BACKING_OFF, REFUSED -- new target, or attached to a (new) runtime ---&gt; IDLE
 *   BACKING_OFF -- detached from the runtime -----------------------------&gt; IDLE
 * </pre>
 * A failure whose target was replaced while the operation ran goes straight back to IDLE and the
 * new target is tried at once.
 */
enum SlotState {
  /** No operation in flight and none pending: the slot is in sync, or waits for a connection or the desired state. */
  IDLE(null),
  /** An activation is fetching (and verifying) the artifact; shown as FETCHING. */
  FETCHING(PluginState.FETCHING),
  /** An activation request is with the runtime; shown as LOADING (or the runtime's LOADING/STARTING). */
  LOADING(PluginState.LOADING),
  /** A deactivation request is with the runtime; shown as STOPPING. */
  STOPPING(PluginState.STOPPING),
  /**
   * A traffic request (a second version beside the first, new weights, promote or abort) is with the runtime, after
   * the second version's jar was fetched if needed; shown as ACTIVE: the first version serves throughout.
   */
  SHIFTING(PluginState.ACTIVE),
  /** The last operation failed; a retry is scheduled after a backoff ({@link Slot#retry} holds it). */
  BACKING_OFF(null),
  /**
   * The runtime (or the signature check) refused the current target for good: asking again with the same jar and
   * config cannot change the answer, so nothing is retried until the target changes or another runtime attaches.
   */
  REFUSED(null);

  private final PluginState shown;

  SlotState(PluginState shown) {
    this.shown = shown;
  }

  /** An operation is in flight (FETCHING, LOADING, STOPPING or SHIFTING). */
  boolean inFlight() {
    return shown != null;
  }

  /** What the report shows while {@link #inFlight()}. */
  PluginState shown() {
    if (shown == null) throw new IllegalStateException("state " + this + " has no operation in flight");
    return shown;
  }
}
