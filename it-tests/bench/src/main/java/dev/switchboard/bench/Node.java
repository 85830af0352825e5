package dev.switchboard.bench;

import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.Proc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real sample-host JVM plus a real sidecar process ({@code switchboard.jar agent}) for one store. */
final class Node implements AutoCloseable {
  final String service;
  final Path dir;
  final Path pidFile;
  Proc host;
  Proc agent;
  int hostPort;
  final int agentPort = freePort();

  Node(Path dir, String service) throws IOException {
    this.service = service;
    this.dir = Files.createDirectories(dir.resolve(service));
    this.pidFile = this.dir.resolve("host.pid");
  }

  Node startHost(Path logs) throws Exception {
    try {
      return startHost0(logs);
    } catch (Exception | Error e) { // the caller's try-with-resources never sees this Node: stop what started
      close();
      throw e;
    }
  }

  private Node startHost0(Path logs) throws Exception {
    host = Proc.start("host-" + service, logs, BenchJvm.java("-jar", Dist.host().toString(), "--port", "0"));
    hostPort = Integer.parseInt(host.await("^LISTENING (\\d+)", Duration.ofSeconds(60)));
    Path tmp = dir.resolve("host.pid.tmp");
    Files.writeString(tmp, host.pid() + "\n");
    Files.move(tmp, pidFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return this;
  }

  /** {@code storeLine} is the agent.yaml line selecting the store, e.g. {@code etcd: {endpoints: [..]}}. */
  Node startAgent(Path logs, String storeLine) throws Exception {
    return startAgent(logs, storeLine, agentFlags(), Map.of(), List.of());
  }

  /**
   * As {@link #startAgent(Path, String)} with the sidecar's own JVM flags, environment and extra
   * agent.yaml lines (e.g. {@code artifacts: {maxBytes: ...}}).
   */
  Node startAgent(Path logs, String storeLine, List<String> jvmFlags, Map<String, String> env, List<String> extraYaml)
      throws Exception {
    try {
      return startAgent0(logs, storeLine, jvmFlags, env, extraYaml);
    } catch (Exception | Error e) { // as in startHost: no orphaned host or sidecar when the start fails
      close();
      throw e;
    }
  }

  private Node startAgent0(Path logs, String storeLine, List<String> jvmFlags, Map<String, String> env, List<String> extraYaml)
      throws Exception {
    List<String> yaml = new ArrayList<>();
    yaml.add("service: " + service);
    yaml.add("node: node-1");
    yaml.add("root: /switchboard");
    yaml.add(storeLine);
    yaml.add("host:");
    yaml.add("  pidFile: " + pidFile);
    yaml.add("  exports: [dev.switchboard.sample.spi]");
    yaml.add("cacheDir: " + dir.resolve("cache"));
    yaml.add("controlDir: " + dir.resolve("ctl"));
    yaml.add("runtimeJar: " + Dist.runtime());
    yaml.add("http: {listen: \"127.0.0.1:" + agentPort + "\"}");
    yaml.addAll(extraYaml);
    Path config = dir.resolve("agent.yaml");
    Files.write(config, yaml);
    agent = Proc.start("agent-" + service, logs,
        BenchJvm.javaWith(jvmFlags, "-jar", Dist.cli().toString(), "agent", "--config", config.toString()), env);
    agent.await("^HTTP (\\d+)", Duration.ofSeconds(60));
    return this;
  }

  /**
   * The sidecar's JVM flags: {@code -Dbench.sidecarJvmFlags="..."} (e.g. {@link TunedFlags#SIDECAR}),
   * else those of the integration tests.
   */
  static List<String> agentFlags() {
    String p = System.getProperty("bench.sidecarJvmFlags", "").trim();
    return p.isEmpty() ? BenchJvm.DEFAULT_FLAGS : List.of(p.split("\\s+"));
  }

  /** Writes {@code value} at {@code key} and waits for the store to acknowledge it. */
  static void put(dev.switchboard.store.KeySpace ks, String key, String value) throws Exception {
    ks.put(key, value.getBytes(java.nio.charset.StandardCharsets.UTF_8)).get(15, java.util.concurrent.TimeUnit.SECONDS);
  }

  static String pluginKey(String service, String plugin, String leaf) {
    return "/switchboard/services/" + service + "/plugins/" + plugin + "/" + leaf;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (agent != null) agent.close();
    if (host != null) host.close();
  }
}
