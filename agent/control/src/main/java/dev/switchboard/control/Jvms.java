package dev.switchboard.control;

import dev.switchboard.control.internal.Attacher;
import java.util.List;

/**
 * The JVMs on this machine the Attach API sees (the same user's, attachable or not): the one JVM lister of
 * the project. Throws {@link ControlException} with {@code ATTACH_UNAVAILABLE} on a Java runtime without
 * the {@code jdk.attach} module.
 */
public final class Jvms {
  private Jvms() {}

  /** One JVM: its pid and the name the Attach API reports (main class or jar, and arguments). */
  public record Jvm(long pid, String displayName) {}

  /** Every visible JVM, this one included; descriptors whose id is not a pid are left out. */
  public static List<Jvm> list() {
    return Attacher.list();
  }
}
