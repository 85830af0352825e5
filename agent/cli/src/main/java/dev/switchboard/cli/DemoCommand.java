package dev.switchboard.cli;

import dev.switchboard.cli.demo.Demo;
import dev.switchboard.cli.demo.DemoOptions;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard demo}: a local stack on embedded defaults with a visible flip (docs/reference.md §3).
 * See {@link Demo}.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "A local stack on embedded defaults (127.0.0.1), with a visible flip.",
      "Starts ZooKeeper (in this JVM), etcd, a bridge, the sample host and its sidecar agent,",
      "and the fleet console (in this JVM; its URL is printed).",
      "Flips response-header on in etcd and off through ZooKeeper, prints the status table and",
      "what to try next, then runs until Ctrl-C."
    })
final class DemoCommand implements Callable<Integer> {
  /** Held so the level sticks (java.util.logging keeps loggers weakly). */
  private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--dist", paramLabel = "DIR", description = "dist/ with switchboard.jar, sample-host.jar, plugins/ (default: beside this jar)")
  Path dist;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "data and logs (default: a new directory under ${java.io.tmpdir}/switchboard-demo)")
  Path workDir;

  @Option(names = "--etcd-binary", paramLabel = "PATH", defaultValue = "etcd", description = "default: etcd on PATH")
  String etcdBinary;

  @Option(names = "--etcd-port", defaultValue = "23790", description = "etcd client port (default ${DEFAULT-VALUE})") int etcdPort;
  @Option(names = "--etcd-peer-port", defaultValue = "23791", description = "etcd peer port (default ${DEFAULT-VALUE})") int etcdPeerPort;
  @Option(names = "--zookeeper-port", defaultValue = "21810", description = "default ${DEFAULT-VALUE}") int zookeeperPort;
  @Option(names = "--host-port", defaultValue = "18080", description = "sample host HTTP (default ${DEFAULT-VALUE})") int hostPort;
  @Option(names = "--agent-port", defaultValue = "19464", description = "agent HTTP (default ${DEFAULT-VALUE})") int agentPort;
  @Option(names = "--bridge-port", defaultValue = "19465", description = "bridge HTTP (default ${DEFAULT-VALUE})") int bridgePort;
  @Option(names = "--console-port", defaultValue = "19466", description = "fleet console page (default ${DEFAULT-VALUE})") int consolePort;

  @Option(names = "--exit-after-flips", description = "stop cleanly after both flips (exit 0 when both were seen, else 1)")
  boolean exitAfterFlips;

  @Option(names = "--flip-timeout", paramLabel = "SECONDS", defaultValue = "60", description = "per flip (default ${DEFAULT-VALUE})")
  int flipTimeoutSeconds;

  @Override
  public Integer call() {
    // quiet the in-process ZooKeeper server and store clients: the demo prints what matters
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.setProperty("zookeeper.admin.enableServer", "false");
    System.setProperty("zookeeper.maxCnxns", System.getProperty("zookeeper.maxCnxns", "1000"));
    GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
    if (flipTimeoutSeconds < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--flip-timeout < 1: " + flipTimeoutSeconds);
    String[] flags = {"--etcd-port", "--etcd-peer-port", "--zookeeper-port", "--host-port", "--agent-port", "--bridge-port", "--console-port"};
    int[] ports = {etcdPort, etcdPeerPort, zookeeperPort, hostPort, agentPort, bridgePort, consolePort};
    for (int i = 0; i < ports.length; i++) {
      if (ports[i] < 1 || ports[i] > 65535) {
        throw new CommandLine.ParameterException(spec.commandLine(), flags[i] + " outside 1..65535: " + ports[i]);
      }
    }
    DemoOptions options;
    try {
      options = new DemoOptions(distDir(), workDir(), etcdBinary, etcdPort, etcdPeerPort, zookeeperPort, hostPort,
          agentPort, bridgePort, consolePort, exitAfterFlips, Duration.ofSeconds(flipTimeoutSeconds));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    return new Demo(options, System.out, Main::run).run();
  }

  private Path distDir() {
    if (dist != null) return dist.toAbsolutePath().normalize();
    try {
      Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(jar)) return jar.getParent().toAbsolutePath().normalize();
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      System.err.println("switchboard demo: cannot locate dist/ from this jar (" + e + "); using ./dist");
    }
    return Path.of("dist").toAbsolutePath().normalize();
  }

  private Path workDir() {
    if (workDir != null) return workDir.toAbsolutePath().normalize();
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of(System.getProperty("java.io.tmpdir"), "switchboard-demo", stamp).toAbsolutePath();
  }
}
