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

@Command(name = "detach", mixinStandardHelpOptions = true,
    description = "Remove the runtime from a host JVM: stop every plugin, close the control channel, remove its socket,"
        + " token and temporary files, and let its class loader be collected. A later 'host activate' attaches afresh.")
final class HostDetach implements Callable<Integer> {
  @Mixin HostOptions options;

  @Option(names = "--pid", required = true, paramLabel = "P", description = "Host JVM pid.")
  long pid;

  @Override
  public Integer call() {
    try {
      Optional<RuntimeConnection> c = options.client(List.of()).adopt(pid);
      if (c.isEmpty()) {
        System.out.println("host " + pid + ": no runtime attached; nothing to detach");
        return Main.EXIT_OK;
      }
      try (RuntimeConnection conn = c.get()) {
        List<PluginStatus> stopped = HostSupport.await(conn.detach(), options.timeoutSeconds);
        for (PluginStatus s : stopped) HostSupport.printStatus(System.out, s);
        boolean failed = stopped.stream().anyMatch(s -> s.state() == PluginState.FAILED);
        System.out.println("host " + pid + ": runtime detached (" + stopped.size() + " plugin(s) stopped"
            + (failed ? ", some FAILED while stopping" : "") + ")");
        return failed ? Main.EXIT_FAILED : Main.EXIT_OK;
      }
    } catch (ControlException e) {
      return HostSupport.failed("detach", e);
    }
  }
}
