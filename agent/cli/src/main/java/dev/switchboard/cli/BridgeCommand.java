package dev.switchboard.cli;

import dev.switchboard.bridge.Bridge;
import dev.switchboard.bridge.config.BridgeConfig;
import dev.switchboard.bridge.config.ConfigException;
import dev.switchboard.bridge.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard bridge --config bridge.yaml}: keeps etcd and ZooKeeper in sync both ways
 * (docs/reference.md §3, §6, docs/bridge.md). Every simple key is also a flag and an environment variable
 * {@code SWITCHBOARD_...} (the agent's naming rule); flags beat the environment, which beats the file.
 */
@Command(
    name = "bridge",
    mixinStandardHelpOptions = true,
    description = {
      "Keeps etcd and ZooKeeper in sync both ways (three-way merge with a ledger, one leader, fenced writes).",
      "Every key is also an environment variable SWITCHBOARD_<KEY> (e.g. SWITCHBOARD_ETCD_ENDPOINTS; the old",
      "SWITCHBOARD_BRIDGE_<KEY> names still work, with a warning); flags > environment > file. Mappings are set in the file only."
    })
final class BridgeCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "bridge.yaml (or SWITCHBOARD_CONFIG)")
  Path config;

  @Option(names = "--root", description = "key root (default /switchboard)") String root;
  @Option(names = "--id", description = "this bridge's name (default host-pid)") String id;
  @Option(names = "--etcd-endpoints", paramLabel = "URL[,URL]") String etcdEndpoints;
  @Option(names = "--zookeeper-connect", paramLabel = "HOST:PORT[,...]") String zookeeperConnect;
  @Option(names = "--zookeeper-session-timeout", paramLabel = "DURATION") String zookeeperSessionTimeout;
  @Option(names = "--http-listen", paramLabel = "HOST:PORT", description = "default 127.0.0.1:9465") String httpListen;
  @Option(names = "--conflict-winner", paramLabel = "etcd|zookeeper", description = "default etcd") String conflictWinner;
  @Option(names = "--anti-entropy-interval", paramLabel = "DURATION", description = "default 30s") String antiEntropyInterval;
  @Option(names = "--leader-ttl", paramLabel = "DURATION", description = "default 10s (failover bound)") String leaderTtl;
  @Option(names = "--max-value-bytes", paramLabel = "N", description = "default 524288") String maxValueBytes;
  @Option(names = "--workers", paramLabel = "N", description = "default 16") String workers;

  /** The store security flags (--etcd-tls-ca, --etcd-user, --etcd-password-file, --zookeeper-sasl-user, ...). */
  @picocli.CommandLine.Unmatched java.util.List<String> more = new java.util.ArrayList<>();

  BridgeCommand() {}

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new LinkedHashMap<>();
    put(flags, "--root", root);
    put(flags, "--id", id);
    put(flags, "--etcd-endpoints", etcdEndpoints);
    put(flags, "--zookeeper-connect", zookeeperConnect);
    put(flags, "--zookeeper-session-timeout", zookeeperSessionTimeout);
    put(flags, "--http-listen", httpListen);
    put(flags, "--conflict-winner", conflictWinner);
    put(flags, "--anti-entropy-interval", antiEntropyInterval);
    put(flags, "--leader-ttl", leaderTtl);
    put(flags, "--max-value-bytes", maxValueBytes);
    put(flags, "--workers", workers);
    for (int i = 0; i < more.size(); i++) {
      String a = more.get(i);
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        flags.put(a.substring(0, eq), a.substring(eq + 1));
      } else if (a.startsWith("--") && i + 1 < more.size()) {
        flags.put(a, more.get(++i));
      } else {
        flags.put(a, "");
      }
    }
    BridgeConfig cfg;
    try {
      cfg = ConfigLoader.load(config, System.getenv(), flags);
    } catch (ConfigException e) {
      System.err.println("switchboard bridge: " + e.getMessage());
      System.err.println("Keys (YAML path: environment variable / flag):");
      ConfigLoader.describe().forEach((k, v) -> System.err.println("  " + k + ": " + v));
      return Main.EXIT_USAGE;
    }
    Bridge bridge;
    try {
      bridge = Bridge.start(cfg);
    } catch (RuntimeException e) {
      System.err.println("switchboard bridge: cannot start: " + e.getMessage());
      return Main.EXIT_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      bridge.close();
      stopped.countDown();
    }, "switchboard-bridge-shutdown"));
    System.out.println("switchboard bridge " + cfg.id() + ": etcd " + String.join(",", cfg.etcdEndpoints())
        + " <-> zookeeper " + cfg.zkConnect() + ", HTTP on " + cfg.httpHost() + ":" + bridge.httpPort());
    System.out.println("HTTP " + bridge.httpPort());
    System.out.flush();
    stopped.await();
    return Main.EXIT_OK;
  }

  private static void put(Map<String, String> m, String flag, String v) {
    if (v != null) {
      m.put(flag, v);
    }
  }
}
