package dev.switchboard.it.deploy;

import static dev.switchboard.it.deploy.DeployFiles.deploy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.cli.CliParse;
import dev.switchboard.it.deploy.DeployFiles.Dockerfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docker-compose.yml and the Kubernetes manifests run the documented topology with consistent names, ports and mounts. */
class ComposeAndKubernetesTest {
  private static final JsonNode COMPOSE = DeployFiles.yaml(deploy().resolve("docker-compose.yml"));

  static JsonNode service(String name) {
    JsonNode s = COMPOSE.path("services").path(name);
    assertThat(s.isMissingNode()).as("compose service " + name).isFalse();
    return s;
  }

  /** target path -> source of a compose service's volumes (short syntax). */
  static Map<String, String> mounts(JsonNode service) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode v : service.path("volumes")) {
      String[] p = v.asText().split(":");
      out.put(p[1], p[0]);
    }
    return out;
  }

  static String agentYaml(String key, String text) throws Exception {
    return DeployFiles.YAML.readTree(text).path(key).asText();
  }

  @Test
  void composeRunsThreeEtcdThreeZooKeeperTwoBridgesAHostWithItsSidecarPrometheusAndGrafana() throws Exception {
    List<String> names = new ArrayList<>();
    COMPOSE.path("services").fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyInAnyOrder("etcd-1", "etcd-2", "etcd-3", "zk-1", "zk-2", "zk-3",
        "bridge-1", "bridge-2", "host", "agent", "prometheus", "grafana");

    JsonNode host = service("host");
    JsonNode agent = service("agent");
    assertThat(agent.path("pid").asText()).isEqualTo("service:host");
    assertThat(agent.path("network_mode").asText()).isEqualTo("service:host");
    assertThat(agent.path("user").asText()).isEqualTo(host.path("user").asText()).isEqualTo("65534:65534");

    Map<String, String> hostMounts = mounts(host);
    Map<String, String> agentMounts = mounts(agent);
    assertThat(agentMounts).containsEntry("/tmp", hostMounts.get("/tmp"));
    String config = agentMounts.entrySet().stream().filter(e -> e.getKey().endsWith("agent.yaml")).findFirst().orElseThrow().getValue();
    String agentText = DeployFiles.text(deploy().resolve(config));
    String controlDir = agentYaml("controlDir", agentText);
    String controlMount = hostMounts.keySet().stream().filter(m -> !m.equals("/tmp") && controlDir.startsWith(m + "/")).findFirst()
        .orElseThrow(() -> new AssertionError("controlDir " + controlDir + " is on no volume of the host"));
    assertThat(agentMounts).as("control dir shared").containsEntry(controlMount, hostMounts.get(controlMount));
    String cacheDir = agentYaml("cacheDir", agentText);
    assertThat(agentMounts).as("cacheDir on a volume").containsKey(cacheDir);
    assertThat(hostMounts).as("the host reads plugin jars from the cache by path").containsEntry(cacheDir, agentMounts.get(cacheDir));
    for (String volume : List.of(hostMounts.get("/tmp"), hostMounts.get(controlMount), agentMounts.get(cacheDir))) {
      assertThat(COMPOSE.path("volumes").has(volume)).as("volume " + volume + " declared").isTrue();
    }

    // command lines: image ENTRYPOINT + compose command parse with the real CLI; config files exist
    for (String[] s : new String[][] {{"agent", "Dockerfile.sidecar", "agent"}, {"bridge-1", "Dockerfile.bridge", "bridge"}, {"bridge-2", "Dockerfile.bridge", "bridge"}}) {
      JsonNode svc = service(s[0]);
      Path dockerfile = deploy().resolve(svc.path("build").path("context").asText()).resolve(svc.path("build").path("dockerfile").asText()).normalize();
      assertThat(dockerfile).isEqualTo(deploy().resolve("docker").resolve(s[1]));
      assertThat(deploy().resolve(svc.path("build").path("context").asText()).normalize()).isEqualTo(Paths.dist().normalize());
      assertThat(svc.path("build").path("args").has("BASE_IMAGE")).isTrue();
      List<String> args = Dockerfile.read(dockerfile).argsAfterJar(DeployConsistencyTest.CLI_JAR, DeployFiles.strings(svc.path("command")));
      assertThat(CliParse.parse(args.toArray(String[]::new))).containsExactly("switchboard", s[2]);
      String configPath = args.get(args.indexOf("--config") + 1);
      assertThat(mounts(svc)).as(s[0] + " mounts its --config").containsKey(configPath);
      assertThat(deploy().resolve(mounts(svc).get(configPath))).isRegularFile();
    }
    assertThat(service("host").path("command").toString()).contains("8080");

    // everything mounted from the repository exists
    for (String svc : List.of("prometheus", "grafana", "agent", "bridge-1")) {
      for (String src : mounts(service(svc)).values()) {
        if (src.startsWith("./")) assertThat(deploy().resolve(src).normalize()).as(svc + " mounts " + src).exists();
      }
    }
    // Grafana finds the dashboards where provisioning says
    String dashboards = DeployFiles.yaml(deploy().resolve("grafana/provisioning/dashboards/switchboard.yml")).path("providers").get(0).path("options").path("path").asText();
    assertThat(mounts(service("grafana"))).containsEntry(dashboards, "./grafana/dashboards");

    // Prometheus scrapes the agent (in the host's network namespace) and both bridges on their configured ports
    JsonNode prom = DeployFiles.yaml(deploy().resolve("prometheus/prometheus.yml"));
    Map<String, List<String>> targets = new LinkedHashMap<>();
    for (JsonNode job : prom.path("scrape_configs")) targets.put(job.path("job_name").asText(), DeployFiles.strings(job.path("static_configs").get(0).path("targets")));
    String agentListen = DeployFiles.YAML.readTree(agentText).path("http").path("listen").asText();
    assertThat(targets.get("switchboard-agent")).containsExactly("host:" + agentListen.substring(agentListen.lastIndexOf(':') + 1));
    String bridgeListen = DeployFiles.yaml(deploy().resolve("compose/bridge.yaml")).path("http").path("listen").asText();
    assertThat(targets.get("switchboard-bridge")).containsExactly("bridge-1:" + bridgeListen.substring(bridgeListen.lastIndexOf(':') + 1),
        "bridge-2:" + bridgeListen.substring(bridgeListen.lastIndexOf(':') + 1));
  }

  @Test
  void kubernetesPodSharesProcessesTmpAndControlDirAsOneUserWithProbesOnTheAgent() throws Exception {
    Map<String, JsonNode> deployments = DeployFiles.k8s("Deployment");
    Map<String, JsonNode> configMaps = DeployFiles.k8s("ConfigMap");
    JsonNode app = deployments.get("sample-host");
    JsonNode pod = app.path("spec").path("template").path("spec");
    assertThat(pod.path("shareProcessNamespace").asBoolean()).isTrue();
    assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(65534);
    JsonNode host = DeployFiles.container(app, "host").orElseThrow();
    JsonNode agent = DeployFiles.container(app, "agent").orElseThrow();
    for (JsonNode c : List.of(host, agent)) {
      assertThat(c.path("securityContext").path("runAsUser").isMissingNode()).as(c.path("name") + ": no per-container uid").isTrue();
    }
    Map<String, String> hostMounts = k8sMounts(host);
    Map<String, String> agentMounts = k8sMounts(agent);
    assertThat(hostMounts).containsKey("/tmp");
    assertThat(agentMounts).containsEntry("/tmp", hostMounts.get("/tmp"));
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asText().equals(hostMounts.get("/tmp"))) assertThat(v.has("emptyDir")).isTrue();
    }

    List<String> args = DeployFiles.strings(agent.path("args"));
    List<String> full = new ArrayList<>(List.of("agent"));
    full.addAll(args);
    assertThat(CliParse.parse(full.toArray(String[]::new))).containsExactly("switchboard", "agent");
    Path configPath = Path.of(args.get(args.indexOf("--config") + 1));
    String configVolume = agentMounts.get(configPath.getParent().toString());
    String configMapName = pod.path("volumes").findParents("name").stream()
        .filter(v -> v.path("name").asText().equals(configVolume)).findFirst().orElseThrow().path("configMap").path("name").asText();
    String agentText = configMaps.get(configMapName).path("data").path(configPath.getFileName().toString()).asText();
    assertThat(agentText).as("ConfigMap " + configMapName + " has " + configPath.getFileName()).isNotEmpty();
    JsonNode cfg = DeployFiles.YAML.readTree(agentText);
    String controlDir = cfg.path("controlDir").asText();
    String controlMount = hostMounts.keySet().stream().filter(m -> controlDir.startsWith(m + "/")).findFirst()
        .orElseThrow(() -> new AssertionError("controlDir " + controlDir + " is on no volume of the host container"));
    assertThat(agentMounts).containsEntry(controlMount, hostMounts.get(controlMount));
    assertThat(agentMounts).containsKey(cfg.path("cacheDir").asText());
    assertThat(hostMounts).as("the host reads plugin jars from the cache by path")
        .containsEntry(cfg.path("cacheDir").asText(), agentMounts.get(cfg.path("cacheDir").asText()));

    String listen = cfg.path("http").path("listen").asText();
    int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    assertThat(agent.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(agent.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(agent.path("livenessProbe").path("httpGet").path("port").asInt()).isEqualTo(port);
    assertThat(agent.path("readinessProbe").path("httpGet").path("port").asInt()).isEqualTo(port);
    assertThat(agent.path("ports").get(0).path("containerPort").asInt()).isEqualTo(port);
    assertThat(app.path("spec").path("template").path("metadata").path("annotations").path("prometheus.io/port").asText()).isEqualTo(Integer.toString(port));
    assertThat(DeployFiles.strings(host.path("args"))).containsExactly("--port", host.path("ports").get(0).path("containerPort").asText());

    JsonNode bridge = deployments.get("switchboard-bridge");
    assertThat(bridge.path("spec").path("replicas").asInt()).isEqualTo(2);
    JsonNode bc = DeployFiles.container(bridge, "bridge").orElseThrow();
    List<String> bargs = new ArrayList<>(List.of("bridge"));
    bargs.addAll(DeployFiles.strings(bc.path("args")));
    assertThat(CliParse.parse(bargs.toArray(String[]::new))).containsExactly("switchboard", "bridge");
    String bridgeText = configMaps.get("switchboard-bridge").path("data").path("bridge.yaml").asText();
    String blisten = DeployFiles.YAML.readTree(bridgeText).path("http").path("listen").asText();
    int bport = Integer.parseInt(blisten.substring(blisten.lastIndexOf(':') + 1));
    assertThat(bc.path("livenessProbe").path("httpGet").path("port").asInt()).isEqualTo(bport);
    assertThat(bc.path("ports").get(0).path("containerPort").asInt()).isEqualTo(bport);
    assertThat(DeployFiles.k8s("Service").get("switchboard-bridge").path("spec").path("ports").get(0).path("targetPort").asInt()).isEqualTo(bport);
  }

  /** mountPath -> volume name of a Kubernetes container. */
  static Map<String, String> k8sMounts(JsonNode container) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode m : container.path("volumeMounts")) out.put(m.path("mountPath").asText(), m.path("name").asText());
    return out;
  }
}
