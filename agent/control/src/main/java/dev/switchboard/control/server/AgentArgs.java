package dev.switchboard.control.server;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Agent arguments passed to the runtime's {@code agentmain}: {@code key=value} pairs joined by
 * {@code &}, values URL-encoded. Keys: {@code controlDir} (absolute path), {@code exports}
 * (comma-separated host packages plugins may see). The bootstrap decodes them with its own
 * JDK-only code ({@code dev.switchboard.runtime.boot.BootArgs}); keep both in step.
 */
public final class AgentArgs {
  private AgentArgs() {}

  /** System property the runtime sets in the host: the control directories it listens in. */
  public static final String CONTROL_DIR_PROPERTY = "switchboard.runtime.controlDir";

  public static String encode(Path controlDir, List<String> exports) {
    for (String e : exports) {
      if (!e.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
        throw new IllegalArgumentException("export is not a Java package name: " + e);
      }
    }
    return "controlDir=" + URLEncoder.encode(controlDir.toAbsolutePath().normalize().toString(), StandardCharsets.UTF_8)
        + "&exports=" + URLEncoder.encode(String.join(",", exports), StandardCharsets.UTF_8);
  }
}
