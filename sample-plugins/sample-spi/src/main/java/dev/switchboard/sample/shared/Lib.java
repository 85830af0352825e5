package dev.switchboard.sample.shared;

/**
 * A stand-in for a third-party library the host has on its class path (and does NOT export to
 * plugins). The fixture plugin {@code bundled-lib} bundles its own, different version of this very
 * class; with child-first plugin loaders both versions work side by side in one JVM.
 */
public final class Lib {
  private Lib() {}

  /** {@code host-1.0} here; {@code plugin-2.0} in the copy the fixture plugin bundles. */
  public static String version() {
    return "host-1.0";
  }
}
