package dev.switchboard.runtime.plugin.shared;

/** A "library" the host has; test plugins bundle another version of the same class. */
public final class Lib {
  private Lib() {}

  public static String version() {
    return "host-1.0";
  }
}
