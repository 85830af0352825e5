package dev.switchboard.it.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.JettyHome;
import dev.switchboard.testkit.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One node: a real {@code sample-host} JVM (found by the agent through a pid file) and a real
 * sidecar process {@code java -jar dist/switchboard.jar agent --config agent.yaml}.
 */
final class AgentNode implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final String service;
  final String node;
  final Path dir;
  final Path pidFile;
  final int agentPort = Http.freePort();
  private final String etcd;
  private final String zookeeper;
  private final String prefer;
  /** The host's packages plugins may see ({@code host.exports} in agent.yaml, YAML flow list). */
  String exports = "[dev.switchboard.sample.spi]";
  /** More lines for agent.yaml (e.g. an {@code artifacts:} block). */
  final List<String> extraConfig = new ArrayList<>();
  Proc host;
  Proc agent;
  int hostPort;
  private int hosts;
  private int agents;

  AgentNode(Path dir, String service, String node, String etcd, String zookeeper, String prefer) throws IOException {
    this.dir = Files.createDirectories(dir.resolve(node));
    this.service = service;
    this.node = node;
    this.etcd = etcd;
    this.zookeeper = zookeeper;
    this.prefer = prefer;
    this.pidFile = this.dir.resolve("host.pid");
  }

  /** Starts a sample host and writes its pid to the pid file the agent reads. */
  AgentNode startHost() throws Exception {
    host = Proc.start("host-" + node + "-" + (++hosts), logs(),
        Proc.java("-jar", Dist.host().toString(), "--port", "0"));
    hostPort = Integer.parseInt(host.await("^LISTENING (\\d+)", Duration.ofSeconds(60)));
    return writePid();
  }

  /**
   * Starts an unmodified standalone Jetty from {@code home} ({@link JettyHome}) in a fresh base with only the
   * {@code http} module, run by {@code java}, and writes its pid to the pid file the agent reads.
   */
  AgentNode startJetty(String java, Path home) throws Exception {
    Path base = Files.createDirectories(dir.resolve("jetty-base-" + (hosts + 1)));
    JettyHome.initBase(java, home, base, "http");
    host = Proc.start("jetty-" + node + "-" + (++hosts), logs(), JettyHome.command(java, home, base));
    hostPort = Integer.parseInt(host.await(JettyHome.PORT_LINE, Duration.ofSeconds(120)));
    return writePid();
  }

  private AgentNode writePid() throws IOException {
    Path tmp = dir.resolve("host.pid.tmp");
    Files.writeString(tmp, host.pid() + "\n");
    Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return this;
  }

  AgentNode startAgent() throws Exception {
    Path config = writeConfig();
    agent = Proc.start("agent-" + node + "-" + (++agents), logs(),
        Proc.java("-Dorg.slf4j.simpleLogger.log.dev.switchboard.store=debug", "-Dorg.slf4j.simpleLogger.showDateTime=true", "-jar", Dist.cli().toString(), "agent", "--config", config.toString()));
    agent.await("^HTTP (\\d+)", Duration.ofSeconds(60));
    return this;
  }

  /** Writes {@code agent.yaml} for this node (with {@link #extraConfig}) and returns its path. */
  Path writeConfig() throws IOException {
    List<String> yaml = new ArrayList<>();
    yaml.add("service: " + service);
    yaml.add("node: " + node);
    yaml.add("root: /switchboard");
    if (etcd != null) yaml.add("etcd: {endpoints: [" + etcd + "]}");
    if (zookeeper != null) yaml.add("zookeeper: {connect: \"" + zookeeper + "\"}");
    if (prefer != null) yaml.add("prefer: " + prefer);
    yaml.add("host:");
    yaml.add("  pidFile: " + pidFile);
    yaml.add("  exports: " + exports);
    yaml.add("cacheDir: " + dir.resolve("cache"));
    yaml.add("controlDir: " + dir.resolve("ctl"));
    yaml.add("runtimeJar: " + Dist.runtime());
    yaml.add("http: {listen: \"127.0.0.1:" + agentPort + "\"}");
    yaml.addAll(extraConfig);
    Path config = dir.resolve("agent.yaml");
    Files.write(config, yaml);
    return config;
  }

  /** Process logs are kept under target/it-logs (the temp dir is deleted after each test). */
  Path logs() {
    return Path.of("target", "it-logs", service, node).toAbsolutePath();
  }

  Optional<String> marker() {
    return Http.marker(hostPort);
  }

  JsonNode status() throws IOException {
    return JSON.readTree(Http.get(agentPort, "/v1/status").body());
  }

  /** The plugin's entry in /v1/status, or a missing node. */
  JsonNode pluginStatus(String plugin) throws IOException {
    for (JsonNode p : status().path("plugins")) if (p.path("plugin").asText().equals(plugin)) return p;
    return JSON.missingNode();
  }

  String metrics() {
    return Http.get(agentPort, "/metrics").body();
  }

  String diagnostics() {
    return "\n--- agent ---\n" + (agent == null ? "(none)" : agent.output()) + "\n--- host ---\n" + (host == null ? "(none)" : host.output());
  }

  @Override
  public void close() {
    if (agent != null) agent.close();
    if (host != null) host.close();
  }
}
