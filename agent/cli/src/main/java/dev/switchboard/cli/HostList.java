package dev.switchboard.cli;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.Jvms;
import dev.switchboard.control.RuntimeConnection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "JVMs on this machine and whether a runtime is attached.")
final class HostList implements Callable<Integer> {
  @Mixin HostOptions options;

  @Override
  public Integer call() {
    List<Jvms.Jvm> jvms;
    try {
      jvms = Jvms.list();
    } catch (ControlException e) {
      return HostSupport.failed("list", e);
    }
    long self = ProcessHandle.current().pid();
    System.out.printf("%-8s %-40s %s%n", "PID", "MAIN", "RUNTIME");
    for (Jvms.Jvm j : jvms) {
      if (j.pid() == self) continue;
      System.out.printf("%-8d %-40s %s%n", j.pid(), abbreviate(j.displayName()), runtime(j.pid()));
    }
    return Main.EXIT_OK;
  }

  private String runtime(long pid) {
    try {
      Optional<RuntimeConnection> c = options.client(List.of()).adopt(pid);
      if (c.isEmpty()) return "-";
      try (RuntimeConnection conn = c.get()) {
        int n = HostSupport.await(conn.status(), 5).size();
        return "attached (runtime " + conn.info().runtimeVersion() + ", " + n + " plugin" + (n == 1 ? "" : "s") + ")";
      }
    } catch (ControlException e) {
      return "socket present, not answering (" + e.code() + ")";
    }
  }

  private static String abbreviate(String s) {
    if (s == null || s.isBlank()) return "?";
    String first = s.split(" ")[0];
    return first.length() <= 40 ? first : "..." + first.substring(first.length() - 37);
  }
}
