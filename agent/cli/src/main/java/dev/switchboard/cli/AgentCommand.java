package dev.switchboard.cli;

import dev.switchboard.sidecar.Sidecar;
import dev.switchboard.sidecar.config.AgentConfig;
import dev.switchboard.sidecar.config.ConfigException;
import dev.switchboard.sidecar.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code switchboard agent --config agent.yaml}: the sidecar (docs/reference.md §3, §6). Every
 * configuration key is also a flag ({@code --service}, {@code --etcd-endpoints}, {@code
 * --host-pid}, ...) and an environment variable ({@code SWITCHBOARD_SERVICE}, ...); flags beat
 * the environment, which beats the file.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the sidecar agent next to a host JVM.",
      "Options: --config FILE, and every key below as a flag (flags > environment > file):",
      "  service, node, root, etcd.endpoints, zookeeper.connect, prefer, host.pid | host.pidFile | host.match,",
      "  host.exports, cacheDir, controlDir, http.listen, runtimeJar, artifacts.maxBytes,",
      "  artifacts.trustedKeys (Ed25519 PEM public key files), artifacts.requireSignature (true|false)",
      "  e.g. --host-pid-file /run/app.pid  or  SWITCHBOARD_HOST_PID_FILE=/run/app.pid"
    })
final class AgentCommand implements Callable<Integer> {
  @Unmatched List<String> args = new ArrayList<>();

  AgentCommand() {}

  @Override
  public Integer call() throws Exception {
    AgentConfig config;
    try {
      config = ConfigLoader.load(System.getenv(), args);
    } catch (ConfigException e) {
      System.err.println("switchboard agent: " + e.getMessage());
      System.err.println("Keys (YAML path, environment variable, flag):");
      System.err.print(ConfigLoader.keysHelp());
      return Main.EXIT_USAGE;
    }
    Sidecar sidecar;
    try {
      sidecar = Sidecar.start(config);
    } catch (RuntimeException e) {
      System.err.println("switchboard agent: cannot start: " + e.getMessage());
      return Main.EXIT_FAILED;
    }
    Thread hook = new Thread(sidecar::close, "switchboard-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("switchboard agent: service " + config.service() + " node " + config.node()
        + ", HTTP on " + config.httpHost() + ":" + sidecar.httpPort());
    System.out.println("HTTP " + sidecar.httpPort());
    System.out.flush();
    sidecar.await();
    return Main.EXIT_OK;
  }
}
