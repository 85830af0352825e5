package dev.switchboard.sidecar.reconcile;

import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.Refusal;
import dev.switchboard.sidecar.artifact.ArtifactException;
import java.util.Locale;
import java.util.concurrent.CompletionException;

/**
 * How one operation ended, judged from the runtime's answer alone (a pure function, no slot state).
 *
 * <table>
 *   <caption>Outcomes</caption>
 *   <tr><th>answer</th><th>reason</th><th>refused</th><th>previous serving</th></tr>
 *   <tr><td>the call failed (fetch, signature, control channel)</td><td>{@link FailureReasons#of(Throwable)}</td>
 *       <td>for a signature refusal only</td><td>no</td></tr>
 *   <tr><td>a refusal while the previous instance still serves</td>
 *       <td>{@code runtime_refused} if permanent, else {@code runtime_failed}</td><td>if permanent</td><td>yes</td></tr>
 *   <tr><td>a state other than the one asked for</td><td>{@code runtime_<state>}, or {@code runtime_refused} for a
 *       permanent refusal</td><td>for a permanent refusal</td><td>no</td></tr>
 *   <tr><td>the state asked for (ACTIVE, or INACTIVE for a deactivation)</td><td>none: success</td><td>no</td><td>no</td></tr>
 * </table>
 *
 * <p>A refused outcome is not retried until the plugin's desired state changes: asking again with the same jar and
 * config cannot change the answer.
 */
record Outcome(String reason, String error, boolean refused, boolean previousServing) {
  static final Outcome SUCCESS = new Outcome(null, null, false, false);

  boolean ok() {
    return reason == null;
  }

  /** {@code st}: the runtime's answer (null when {@code err} is set); {@code err}: the call's failure, or null. */
  static Outcome of(Reconciler.Op op, PluginStatus st, Throwable err) {
    if (err != null) {
      Throwable cause = unwrap(err);
      boolean signature = cause instanceof ArtifactException a && a.code().signatureRefusal();
      return new Outcome(FailureReasons.of(cause), cause.getMessage(), signature, false);
    }
    Refusal refusal = op != Reconciler.Op.DEACTIVATE ? st.refusal() : null;
    boolean permanent = refusal != null && refusal.permanent();
    if (refusal != null && refusal.previousServing()) {
      String reason = permanent ? "runtime_refused" : FailureReasons.runtime(PluginState.FAILED);
      return new Outcome(reason, what(op) + " refused: " + st.error(), permanent, true);
    }
    PluginState want = op == Reconciler.Op.DEACTIVATE ? PluginState.INACTIVE : PluginState.ACTIVE;
    if (st.state() == want) return SUCCESS;
    String error = what(op) + " ended " + st.state() + (st.error() == null ? "" : ": " + st.error());
    return new Outcome(permanent ? "runtime_refused" : FailureReasons.runtime(st.state()), error, permanent, false);
  }

  /** True when the runtime's answer describes the plugin's state (not a refusal while the previous one serves). */
  static boolean describesState(Reconciler.Op op, PluginStatus st, Throwable err) {
    if (err != null) return false;
    Refusal refusal = op != Reconciler.Op.DEACTIVATE ? st.refusal() : null;
    return refusal == null || !refusal.previousServing();
  }

  static String what(Reconciler.Op op) {
    return switch (op) {
      case ACTIVATE -> "activation";
      case DEACTIVATE -> "deactivation";
      default -> "traffic " + op.name().toLowerCase(Locale.ROOT);
    };
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
    return t;
  }
}
