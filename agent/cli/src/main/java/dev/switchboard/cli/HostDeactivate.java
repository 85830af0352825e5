package dev.switchboard.cli;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeConnection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deactivate", mixinStandardHelpOptions = true,
    description = "Deactivate a plugin: unregister, drain, stop, unload; reports the unload check (usually 'pending' at first:"
        + " no GC is forced on this path; 'host status --check-unload' settles it).")
final class HostDeactivate implements Callable<Integer> {
  @Mixin HostOptions options;

  @Option(names = "--pid", required = true, paramLabel = "P", description = "Host JVM pid.")
  long pid;

  @Option(names = "--plugin", required = true, paramLabel = "ID", description = "Plugin id.")
  String pluginId;

  @Override
  public Integer call() {
    try {
      Optional<RuntimeConnection> c = options.client(List.of()).adopt(pid);
      if (c.isEmpty()) {
        System.out.println("host " + pid + ": no runtime attached, so " + pluginId + " is not active");
        return Main.EXIT_OK;
      }
      try (RuntimeConnection conn = c.get()) {
        PluginStatus s = HostSupport.await(conn.deactivate(pluginId), options.timeoutSeconds);
        HostSupport.printStatus(System.out, s);
        return s.state() == PluginState.FAILED ? Main.EXIT_FAILED : Main.EXIT_OK;
      }
    } catch (ControlException e) {
      return HostSupport.failed("deactivate", e);
    }
  }
}
