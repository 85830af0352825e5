package dev.switchboard.sidecar.desired;

import dev.switchboard.store.Keys;

/** Names of services, nodes and plugins (docs/reference.md §1): the store's one rule, {@link Keys#NAME}. */
public final class Names {
  /** The rule as text, for messages. */
  public static final String RULE = Keys.NAME.pattern();

  private Names() {}

  public static boolean valid(String name) {
    return Keys.isValidName(name);
  }

  /** Returns {@code name} or throws naming {@code what} and the value. */
  public static String require(String what, String name) {
    if (!valid(name)) {
      throw new IllegalArgumentException("invalid " + what + " name '" + name + "' (must match " + RULE + ")");
    }
    return name;
  }
}
