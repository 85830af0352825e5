package dev.switchboard.cli;

import dev.switchboard.control.ControlCodec;
import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginStatus;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Output and error handling shared by the host verbs. */
final class HostSupport {
  private HostSupport() {}

  /** Waits for a control request (bounded) and unwraps its ControlException. */
  static <T> T await(CompletableFuture<T> f, int timeoutSeconds) {
    try {
      return f.get(timeoutSeconds + 5L, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      if (c instanceof ControlException) throw (ControlException) c;
      throw new ControlException(ControlException.Code.FAILED, String.valueOf(c.getMessage()), c);
    } catch (TimeoutException e) {
      throw new ControlException(ControlException.Code.TIMEOUT, "no answer within " + timeoutSeconds + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlException(ControlException.Code.TIMEOUT, "interrupted", e);
    }
  }

  /** Prints a control failure clearly and returns exit code 1. */
  static int failed(String verb, ControlException e) {
    System.err.println("switchboard host " + verb + ": " + e.getMessage());
    String hint = hint(e.code());
    if (hint != null) System.err.println("  hint: " + hint);
    return Main.EXIT_FAILED;
  }

  static String hint(ControlException.Code code) {
    switch (code) {
      case NO_SUCH_PROCESS:
        return "check the pid with `switchboard host list` or `jps`";
      case ATTACH_REFUSED:
        return "run switchboard as the host's user; a host started with -XX:+DisableAttachMechanism can only get the runtime with -javaagent:dist/switchboard-runtime.jar";
      case ATTACH_UNAVAILABLE:
        return "use a full JDK (with the jdk.attach module) to run switchboard";
      case UNAUTHORIZED:
        return "the runtime accepts only its host's user holding the token of the control dir; run as that user with the same --control-dir as the process that attached";
      case TIMEOUT:
        return "the host may be busy or stopped; see its stderr for [switchboard] lines";
      default:
        return null;
    }
  }

  static void printStatus(PrintStream out, PluginStatus s) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%-24s %-9s %-10s", s.pluginId(), s.state(), s.version() == null ? "-" : s.version()));
    if (s.since() != null) b.append(" since ").append(s.since());
    if (s.unload() != null) b.append(" unload=").append(s.unload());
    if (!s.leakedThreads().isEmpty()) b.append(" leakedThreads=").append(s.leakedThreads());
    if (s.error() != null) b.append(" error: ").append(s.error());
    out.println(b);
  }

  static String json(List<PluginStatus> statuses, Map<String, Object> extra) {
    Map<String, Object> m = new java.util.LinkedHashMap<>(extra);
    List<Object> l = new ArrayList<>();
    for (PluginStatus s : statuses) l.add(ControlCodec.toMap(s));
    m.put("plugins", l);
    return ControlCodec.toJson(m);
  }
}
