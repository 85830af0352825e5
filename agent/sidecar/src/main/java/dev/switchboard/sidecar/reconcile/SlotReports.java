package dev.switchboard.sidecar.reconcile;

import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.sidecar.desired.Resolution;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.slf4j.Logger;

/** What the reconciler reports and logs about a slot (pure functions of the slot, called on the loop thread). */
final class SlotReports {
  private SlotReports() {}

  /** The report of {@code s} now: {@code attached} to a runtime, desired state {@code ready}. */
  static PluginReport report(Slot s, boolean attached, boolean ready) {
    Resolution r = s.target.resolution();
    PluginStatus a = s.actual;
    String state;
    String error = null;
    if (s.state.inFlight()) {
      state = (a != null && s.state == SlotState.LOADING
          && (a.state() == PluginState.LOADING || a.state() == PluginState.STARTING)) ? a.state().name() : s.state.shown().name();
    } else if (r.error() != null) {
      state = PluginState.FAILED.name();
      error = r.error() + (s.lastError == null ? "" : "; " + s.lastError + retryNote(s));
    } else if (s.lastError != null) {
      boolean serving = s.previousServing && a != null && a.state() == PluginState.ACTIVE;
      state = serving ? PluginState.ACTIVE.name() : PluginState.FAILED.name();
      error = s.lastError + retryNote(s);
    } else {
      state = a == null ? PluginState.INACTIVE.name() : a.state().name();
      error = a == null ? null : a.error();
    }
    if (error == null && !attached && ready && r.desired()) error = "not attached to the host JVM";
    boolean showActual = a != null && a.state() != PluginState.INACTIVE;
    String version = showActual && a.version() != null ? a.version() : r.artifact() == null ? null : r.artifact().version();
    String sha = showActual && a.sha256() != null ? a.sha256() : r.artifact() == null ? null : r.artifact().sha256();
    boolean active = a != null && a.state() == PluginState.ACTIVE;
    // the runtime's time for the state it reports (a re-adopted plugin stays ACTIVE since its start, not since the adoption)
    String since = a != null && a.since() != null && state.equals(a.state().name()) ? a.since() : now();
    String unload = a == null || a.unload() == null ? null : a.unload().wire();
    return new PluginReport(s.plugin, state, r.desired(), version, sha, since, error, s.target.generation(), active, unload,
        active ? s.split : null);
  }

  private static String retryNote(Slot s) {
    return s.state == SlotState.REFUSED ? " (not retried until the desired state changes)"
        : " (attempt " + s.failures + ", retrying)";
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** DEBUG: where the time between the store change and the runtime's answer went, per hop. */
  static void logHops(Logger log, String plugin, Reconciler.Op op, Target t, long started, long sent, long answered, long back) {
    log.debug("plugin {} {}: desired state submitted -> operation started {} ms (loop queue, earlier operation), -> request"
        + " sent {} ms (fetch or cache check, frame written), -> runtime answered {} ms (host: control read, plugin operation,"
        + " answer frame), -> back on the loop {} ms", plugin, op, ms(started - t.observedNanos()), ms(sent - started),
        ms(answered - sent), ms(back - answered));
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
  }

}
