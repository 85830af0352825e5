package dev.switchboard.cli;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Plugins and their states in one host JVM (never attaches).")
final class HostStatus implements Callable<Integer> {
  @Mixin HostOptions options;

  @Option(names = "--pid", required = true, paramLabel = "P", description = "Host JVM pid.")
  long pid;

  @Option(names = "--json", description = "Print one JSON object: runtime, plugins, stats.")
  boolean json;

  @Option(names = "--check-unload", description = "Check unloads first: the runtime runs one full GC in the host"
      + " (stops it for that long) and settles pending unload outcomes (collected, or leaked past its collect timeout).")
  boolean checkUnload;

  @Override
  public Integer call() {
    try {
      Optional<RuntimeConnection> c = options.client(List.of()).adopt(pid);
      if (c.isEmpty()) {
        if (json) System.out.println("{\"attached\":false,\"plugins\":[]}");
        else System.out.println("host " + pid + ": no runtime attached (control dir " + options.controlDir.toAbsolutePath() + ")");
        return Main.EXIT_OK;
      }
      try (RuntimeConnection conn = c.get()) {
        List<PluginStatus> statuses = HostSupport.await(checkUnload ? conn.checkUnload() : conn.status(), options.timeoutSeconds);
        Map<String, Object> stats = HostSupport.await(conn.stats(), options.timeoutSeconds);
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("attached", true);
          m.put("runtimeVersion", conn.info().runtimeVersion());
          m.put("hostPid", conn.info().hostPid());
          m.put("hostJava", conn.info().hostJava());
          m.put("stats", stats);
          System.out.println(HostSupport.json(statuses, m));
        } else {
          System.out.println("host " + pid + ": runtime " + conn.info().runtimeVersion() + ", Java " + conn.info().hostJava()
              + ", plugin API " + conn.info().apiVersion() + ", metaspace " + stats.get("metaspaceUsedBytes") + " bytes");
          if (statuses.isEmpty()) System.out.println("(no plugins)");
          for (PluginStatus s : statuses) HostSupport.printStatus(System.out, s);
          HostTraffic.printTraffic(System.out, stats.get("traffic"));
        }
        return Main.EXIT_OK;
      }
    } catch (ControlException e) {
      return HostSupport.failed("status", e);
    }
  }
}
