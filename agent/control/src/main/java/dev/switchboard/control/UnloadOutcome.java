package dev.switchboard.control;

import java.util.Locale;

/**
 * What became of a plugin's class loader after it was unloaded. On the wire and in status output it is the
 * lower-case name ({@code "collected"}, {@code "leaked"}, {@code "pending"}).
 */
public enum UnloadOutcome {
  /** The loader was garbage collected: nothing of the plugin remains. */
  COLLECTED,
  /** Still reachable after the collect timeout and a full collection: something holds the plugin's classes. */
  LEAKED,
  /** Not settled yet: no collection has run since the unload (the outcome follows as an event). */
  PENDING;

  /** The wire form: the lower-case name. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The outcome of a wire form.
   *
   * @throws IllegalArgumentException naming the value when it is none of the three
   */
  public static UnloadOutcome fromWire(String text) {
    for (UnloadOutcome o : values()) if (o.wire().equals(text)) return o;
    throw new IllegalArgumentException("not an unload outcome (collected, leaked, pending): " + text);
  }

  @Override
  public String toString() {
    return wire();
  }
}
