package dev.switchboard.it.deploy;

import static dev.switchboard.it.deploy.DeployFiles.deploy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.bridge.BridgeMetricNames;
import dev.switchboard.bridge.config.BridgeConfig;
import dev.switchboard.cli.CliParse;
import dev.switchboard.it.deploy.DeployFiles.Dockerfile;
import dev.switchboard.sidecar.config.AgentConfig;
import dev.switchboard.sidecar.config.ConfigLoader;
import dev.switchboard.sidecar.reconcile.PluginReport;
import dev.switchboard.sidecar.status.SidecarMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file under deploy/ agrees with the code: it parses, configs load with the real agent and
 * bridge config loaders, command lines parse with the real CLI, ports/paths/volumes line up across
 * Dockerfiles, compose, Kubernetes, systemd and Prometheus, and every metric the dashboard and
 * Prometheus files use is one the agent or bridge exports.
 */
class DeployConsistencyTest {
  static final String CLI_JAR = "/opt/switchboard/switchboard.jar";
  static final String NODE_FROM_POD = "sample-host-5d8f9c7b6-x2x9z";

  @TempDir Path tmp;

  @Test
  void everyDeployFileParses() {
    List<Path> files = DeployFiles.all();
    assertThat(files).as("deploy files").hasSizeGreaterThan(15);
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (name.endsWith(".yaml") || name.endsWith(".yml")) assertThat(DeployFiles.yamlDocuments(f)).as(f.toString()).isNotEmpty();
      else if (name.endsWith(".json")) assertThat(DeployFiles.json(f).isObject()).as(f.toString()).isTrue();
      else if (name.startsWith("Dockerfile")) assertThat(Dockerfile.read(f).all("FROM")).as(f + " FROM").hasSize(1);
      else if (name.endsWith(".service")) assertThat(DeployFiles.text(f)).as(f.toString()).contains("[Service]").contains("ExecStart=");
    }
  }

  @Test
  void dockerfilesTakeTheBaseImageAsABuildArgumentAndCopyWhatDistHolds() {
    for (String n : List.of("Dockerfile.sidecar", "Dockerfile.bridge", "Dockerfile.sample-host", "Dockerfile.spring-boot-host")) {
      Dockerfile d = Dockerfile.read(deploy().resolve("docker").resolve(n));
      assertThat(d.all("ARG")).as(n).contains("BASE_IMAGE=eclipse-temurin:17-jre");
      assertThat(d.one("FROM")).as(n).isEqualTo("${BASE_IMAGE}");
      assertThat(d.all("RUN")).as(n + ": no RUN, so shell-less JRE images work").isEmpty();
      assertThat(d.one("USER")).as(n + ": one uid for host and sidecar").isEqualTo("65534:65534");
      for (String src : d.copies().keySet()) assertThat(Paths.dist().resolve(src)).as(n + " copies dist/" + src).isRegularFile();
    }
    Dockerfile sidecar = Dockerfile.read(deploy().resolve("docker/Dockerfile.sidecar"));
    Dockerfile bridge = Dockerfile.read(deploy().resolve("docker/Dockerfile.bridge"));
    Dockerfile host = Dockerfile.read(deploy().resolve("docker/Dockerfile.sample-host"));
    assertThat(sidecar.copies()).containsEntry("switchboard.jar", CLI_JAR);
    assertThat(bridge.copies()).containsEntry("switchboard.jar", CLI_JAR);
    assertThat(CliParse.parse(sidecar.argsAfterJar(CLI_JAR, null).toArray(String[]::new))).containsExactly("switchboard", "agent");
    assertThat(CliParse.parse(bridge.argsAfterJar(CLI_JAR, null).toArray(String[]::new))).containsExactly("switchboard", "bridge");
    assertThat(sidecar.one("EXPOSE")).isEqualTo("9464");
    assertThat(bridge.one("EXPOSE")).isEqualTo("9465");
    List<String> hostCmd = host.execForm("CMD");
    assertThat(hostCmd).containsExactly("--port", host.one("EXPOSE"));
    assertThat(host.execForm("ENTRYPOINT")).containsSubsequence("-jar", host.copies().get("sample-host.jar"));
    Dockerfile boot = Dockerfile.read(deploy().resolve("docker/Dockerfile.spring-boot-host"));
    assertThat(boot.execForm("CMD")).containsExactly("--server.port=" + boot.one("EXPOSE"));
    assertThat(boot.execForm("ENTRYPOINT")).containsSubsequence("-jar", boot.copies().get("spring-boot-host.jar"));
    assertThat(boot.copies().get("switchboard-runtime.jar")).as("the runtime jar at the sidecar's path (it is injected by path)")
        .isEqualTo(sidecar.copies().get("switchboard-runtime.jar"));
  }

  @Test
  void agentConfigsLoadWithTheRealConfigLoaderAndPointAtFilesTheImagesHold() throws Exception {
    Dockerfile sidecar = Dockerfile.read(deploy().resolve("docker/Dockerfile.sidecar"));
    Dockerfile host = Dockerfile.read(deploy().resolve("docker/Dockerfile.sample-host"));
    String composeAgent = DeployFiles.text(deploy().resolve("compose/agent.yaml"));
    String k8sAgent = DeployFiles.k8s("ConfigMap").get("switchboard-agent").path("data").path("agent.yaml").asText();
    List<AgentConfig> inContainers = List.of(
        agent("compose/agent.yaml", composeAgent, Map.of("SWITCHBOARD_NODE", "sample-1")),
        agent("ConfigMap switchboard-agent", k8sAgent, Map.of("SWITCHBOARD_NODE", NODE_FROM_POD)));
    for (AgentConfig c : inContainers) {
      assertThat(sidecar.copies()).as("the sidecar image holds runtimeJar").containsValue(c.runtimeJar().toString());
      assertThat(host.copies()).as("the host image holds runtimeJar at the same path (it is injected by path)").containsValue(c.runtimeJar().toString());
      assertThat(c.httpPort()).isEqualTo(Integer.parseInt(sidecar.one("EXPOSE")));
      assertThat(c.httpHost()).as("scraped from outside the container").isEqualTo("0.0.0.0");
      assertThat(c.hostMatch()).as("host found by main class in the shared pid namespace").isNotNull();
      assertThat("java -jar " + host.copies().get("sample-host.jar") + " --port 8080").containsPattern(c.hostMatch());
      assertThat(c.hostExports()).contains("dev.switchboard.sample.spi");
    }
    assertThat(agent("systemd/agent-checkout.yaml", DeployFiles.text(deploy().resolve("systemd/agent-checkout.yaml")), Map.of()).hostPidFile()).isNotNull();
    Path example = deploy().resolve("agent.example.yaml");
    if (Files.exists(example)) agent("agent.example.yaml", DeployFiles.text(example), Map.of());
  }

  @Test
  void bridgeConfigsLoadWithTheRealConfigLoader() {
    List<String> files = new ArrayList<>(List.of("compose/bridge.yaml", "systemd/bridge.yaml"));
    if (Files.exists(deploy().resolve("bridge.example.yaml"))) files.add("bridge.example.yaml");
    for (String f : files) bridge(f, DeployFiles.text(deploy().resolve(f)), Map.of("SWITCHBOARD_ID", "bridge-1"));
    BridgeConfig k8s = bridge("ConfigMap switchboard-bridge",
        DeployFiles.k8s("ConfigMap").get("switchboard-bridge").path("data").path("bridge.yaml").asText(),
        Map.of("SWITCHBOARD_ID", "switchboard-bridge-6c9d-abcde"));
    assertThat(k8s.id()).isEqualTo("switchboard-bridge-6c9d-abcde");
    BridgeConfig compose = bridge("compose/bridge.yaml", DeployFiles.text(deploy().resolve("compose/bridge.yaml")), Map.of("SWITCHBOARD_ID", "bridge-2"));
    assertThat(compose.httpPort()).isEqualTo(9465);
    assertThat(compose.httpHost()).isEqualTo("0.0.0.0");
    assertThat(compose.etcdEndpoints()).hasSize(3);
  }

  @Test
  void systemdUnitsRunRealVerbsWithTheExampleConfigs() {
    Map<String, String> units = Map.of("switchboard-agent@.service", "agent", "switchboard-bridge.service", "bridge");
    for (var u : units.entrySet()) {
      String exec = DeployFiles.text(deploy().resolve("systemd").resolve(u.getKey())).lines()
          .filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
      List<String> words = List.of(exec.substring("ExecStart=".length()).split("\\s+"));
      int jar = words.indexOf("-jar");
      assertThat(words.get(jar + 1)).isEqualTo(CLI_JAR);
      List<String> args = words.subList(jar + 2, words.size());
      assertThat(CliParse.parse(args.toArray(String[]::new))).containsExactly("switchboard", u.getValue());
      String config = args.get(args.indexOf("--config") + 1);
      String example = Path.of(config.replace("%i", "checkout")).getFileName().toString();
      assertThat(deploy().resolve("systemd").resolve(example)).as(u.getKey() + " --config " + config + " has an example").isRegularFile();
    }
  }

  @Test
  void theSecuredSystemdUnitPassesEveryStoreFileAsACredentialAndItsConfigLoads() throws Exception {
    String unit = DeployFiles.text(deploy().resolve("systemd/switchboard-agent-secured@.service"));
    List<String> credentials = unit.lines().filter(l -> l.startsWith("LoadCredential=")).map(l -> l.substring("LoadCredential=".length()).split(":")[0]).toList();
    String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    List<String> words = List.of(exec.substring("ExecStart=".length()).split("\\s+"));
    List<String> args = new ArrayList<>(words.subList(words.indexOf("agent") + 1, words.size()));
    List<String> files = args.stream().filter(a -> a.startsWith("%d/")).map(a -> a.substring(3)).toList();
    assertThat(credentials).as("every %d/ file is a LoadCredential").containsAll(files);
    assertThat(files).hasSize(8);
    String config = args.get(args.indexOf("--config") + 1);
    Path yaml = deploy().resolve("systemd").resolve(Path.of(config.replace("%i", "checkout")).getFileName());
    Files.writeString(tmp.resolve("agent-secured.yaml"), DeployFiles.text(yaml));
    args.set(args.indexOf("--config") + 1, tmp.resolve("agent-secured.yaml").toString());
    List<String> resolved = args.stream().map(a -> a.replace("%d", "/run/credentials/x")).toList();
    AgentConfig c = ConfigLoader.load(Map.of(), resolved);
    assertThat(c.etcdOptions().tls().key()).isEqualTo(Path.of("/run/credentials/x/etcd-client-key.pem"));
    assertThat(c.etcdOptions().password().toString()).isEqualTo("file /run/credentials/x/etcd-password");
    assertThat(c.zookeeperOptions().saslPassword().toString()).isEqualTo("file /run/credentials/x/zk-password");
  }

  @Test
  void theSecuredKubernetesAgentReadsEveryStoreFileFromASecretDirectoryMount() throws Exception {
    List<JsonNode> docs = DeployFiles.yamlDocuments(deploy().resolve("kubernetes/secured/agent-secured.yaml"));
    JsonNode cm = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
    JsonNode dep = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
    AgentConfig c = agent("secured ConfigMap", cm.path("data").path("agent.yaml").asText(), Map.of("SWITCHBOARD_NODE", NODE_FROM_POD));
    JsonNode pod = dep.path("spec").path("template").path("spec");
    Map<String, String> secretVolumes = new java.util.HashMap<>();
    for (JsonNode v : pod.path("volumes")) if (v.has("secret")) secretVolumes.put(v.path("name").asText(), v.path("secret").path("secretName").asText());
    JsonNode agentContainer = null;
    for (JsonNode ct : pod.path("containers")) if (ct.path("name").asText().equals("agent")) agentContainer = ct;
    Map<String, String> secretMounts = new java.util.HashMap<>();
    for (JsonNode m : agentContainer.path("volumeMounts")) {
      if (secretVolumes.containsKey(m.path("name").asText())) {
        assertThat(m.has("subPath")).as("a subPath mount is never updated: rotation needs a directory mount").isFalse();
        secretMounts.put(m.path("mountPath").asText(), m.path("name").asText());
      }
    }
    List<Path> files = List.of(c.etcdOptions().tls().ca(), c.etcdOptions().tls().cert(), c.etcdOptions().tls().key(),
        Path.of(c.etcdOptions().password().toString().substring("file ".length())),
        c.zookeeperOptions().tls().ca(), c.zookeeperOptions().tls().cert(), c.zookeeperOptions().tls().key(),
        Path.of(c.zookeeperOptions().saslPassword().toString().substring("file ".length())));
    for (Path f : files) assertThat(secretMounts).as(f + " is in a Secret mount").containsKey(f.getParent().toString());
  }

  AgentConfig agent(String what, String yaml, Map<String, String> env) throws Exception {
    Path f = tmp.resolve("agent-" + Math.abs(what.hashCode()) + ".yaml");
    Files.writeString(f, yaml);
    try {
      return ConfigLoader.load(env, List.of("--config", f.toString()));
    } catch (RuntimeException e) {
      throw new AssertionError(what + " does not load with the agent's ConfigLoader: " + e.getMessage(), e);
    }
  }

  BridgeConfig bridge(String what, String yaml, Map<String, String> env) {
    try {
      Path f = tmp.resolve("bridge-" + Math.abs(what.hashCode()) + ".yaml");
      Files.writeString(f, yaml);
      return dev.switchboard.bridge.config.ConfigLoader.load(f, env, Map.of());
    } catch (Exception e) {
      throw new AssertionError(what + " does not load with the bridge's ConfigLoader: " + e.getMessage(), e);
    }
  }

  @Test
  void everyDashboardTargetDeclaresItsFormatAndEveryGraphItsUnit() {
    JsonNode dashboard = DeployFiles.json(deploy().resolve("grafana/dashboards/switchboard.json"));
    List<String> problems = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      String type = p.path("type").asText();
      String title = p.path("title").asText();
      if (type.equals("row")) continue;
      String want = switch (type) {
        case "table" -> "table";
        case "heatmap" -> "heatmap";
        default -> "time_series";
      };
      for (JsonNode t : p.path("targets")) {
        if (!t.path("format").asText().equals(want)) problems.add(title + " " + t.path("refId").asText() + ": format " + t.path("format") + ", want " + want);
      }
      if ((type.equals("timeseries") || type.equals("stat")) && p.path("fieldConfig").path("defaults").path("unit").asText().isEmpty()) {
        problems.add(title + ": no unit");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void dashboardAndPrometheusUseOnlyMetricsTheCodeExports() {
    SidecarMetrics agent = new SidecarMetrics("demo", "node-1");
    agent.report(new PluginReport("p", "ACTIVE", true, "1.0.0", "0".repeat(64), "2026-01-01T00:00:00Z", null, 1, true));
    agent.flip(Duration.ofMillis(40));
    agent.failure("p", "fetch");
    agent.storeState("etcd", true);
    Set<String> exported = new TreeSet<>(DeployFiles.exposedNames(agent.scrape()));
    exported.addAll(DeployFiles.exposedNames(BridgeMetricNames.scrapeEveryMetric()));
    System.out.println("metric names exported by the agent and the bridge: " + exported);

    JsonNode dashboard = DeployFiles.json(deploy().resolve("grafana/dashboards/switchboard.json"));
    TreeSet<String> used = DeployFiles.metricNames(dashboard.toString());
    assertThat(used).as("metrics in the dashboard").isNotEmpty().isSubsetOf(exported);
    assertThat(used).as("the dashboard covers what the issue asks for").contains("switchboard_plugin_active",
        "switchboard_flip_to_live_seconds_bucket", "switchboard_bridge_lag_seconds_bucket", "switchboard_bridge_conflicts_total",
        "switchboard_reconcile_failures_total");
    assertThat(DeployFiles.metricNames(DeployFiles.text(deploy().resolve("prometheus/prometheus.yml")))).isSubsetOf(exported);
    TreeSet<String> alerted = DeployFiles.metricNames(DeployFiles.text(deploy().resolve("prometheus/switchboard-alerts.yml")));
    assertThat(alerted).as("metrics in the alerting rules").isSubsetOf(exported)
        .contains("switchboard_agent_attached", "switchboard_plugin_state", "switchboard_store_connected",
            "switchboard_bridge_lag_seconds_bucket", "switchboard_bridge_conflicts_total");

    String uid = DeployFiles.yaml(deploy().resolve("grafana/provisioning/datasources/prometheus.yml")).path("datasources").get(0).path("uid").asText();
    List<String> panelUids = dashboard.findValues("datasource").stream().map(n -> n.path("uid").asText()).distinct().toList();
    assertThat(panelUids).as("panels use the provisioned datasource").containsExactly(uid);
  }
}
