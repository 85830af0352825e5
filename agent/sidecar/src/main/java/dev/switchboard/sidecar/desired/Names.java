package dev.switchboard.sidecar.desired;

import java.util.regex.Pattern;

/** Names of services, nodes and plugins (CONTRACT §1): {@code [a-z0-9][a-z0-9._-]{0,62}}. */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private Names() {}

  public static boolean valid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** Returns {@code name} or throws naming {@code what} and the value. */
  public static String require(String what, String name) {
    if (!valid(name)) {
      throw new IllegalArgumentException(
          "invalid " + what + " name '" + name + "' (must match [a-z0-9][a-z0-9._-]{0,62})");
    }
    return name;
  }
}
