package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.Proc;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Grafana dashboard and Prometheus alerting rules against a real Prometheus scraping a running agent (with
 * its sample host) and a running bridge, both on real etcd and ZooKeeper. Prometheus first sees every counter at 0;
 * then a plugin fails its checksum, a key is changed in both stores while the bridge is frozen (a conflict) and an
 * empty value is written to etcd (a skip): each first event shows in {@code increase()}, every expression of the
 * dashboard and of the rules is valid, and each returns data where it should.
 */
class DashboardAndAlertsIT {
  @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();
  @RegisterExtension static final ZooKeeperEnsemble ZK = ZooKeeperEnsemble.single();
  static final Duration LONG = Duration.ofSeconds(60);
  static final String SVC = "prom-svc";
  static final String RATE_INTERVAL = "1m";
  static final Pattern METRIC = Pattern.compile("switchboard_[a-z_]+");
  /** Dashboard targets that list problems: empty while nothing is disconnected or detached. */
  static final Set<String> EMPTY_WHEN_HEALTHY = Set.of("Which agents: disconnected, detached or FAILED/A", "Which agents: disconnected, detached or FAILED/B");
  /** Alerts whose condition holds after the test's events. */
  static final Set<String> FIRING = Set.of("SwitchboardPluginFailed", "SwitchboardBridgeConflicts", "SwitchboardBridgeSkippedValues");
  /** Alerts whose condition cannot hold here (everything connected, attached, leading once, fast). */
  static final Set<String> QUIET = Set.of("SwitchboardAgentDown", "SwitchboardAgentNotAttached", "SwitchboardAgentStoreDisconnected",
      "SwitchboardAgentAllStoresDisconnected", "SwitchboardBridgeDown", "SwitchboardBridgeNoLeader", "SwitchboardBridgeSeveralLeaders",
      "SwitchboardBridgeStoreDisconnected", "SwitchboardBridgeLagHigh");

  @TempDir Path tmp;
  AgentNode node;
  Proc bridge;
  PrometheusServer prometheus;

  @AfterEach
  void stop() {
    if (prometheus != null) prometheus.close();
    if (bridge != null) bridge.close();
    if (node != null) node.close();
  }

  static Path repository() {
    return Dist.dir().getParent();
  }

  @Test
  void everyDashboardAndAlertExpressionIsValidAndShowsTheFirstEvents() throws Exception {
    long t0 = System.nanoTime();
    Path rules = repository().resolve("deploy/prometheus/switchboard-alerts.yml");
    JsonNode dashboard = AgentNode.JSON.readTree(repository().resolve("deploy/grafana/dashboards/switchboard.json").toFile());
    try (KeySpace etcd = KeySpaces.etcd(EtcdOptions.builder(ETCD.endpoints()).build());
        KeySpace zk = KeySpaces.zookeeper(ZooKeeperOptions.builder(ZK.connectString()).build())) {
      node = new AgentNode(tmp, SVC, "node-1", ETCD.endpoints(), ZK.connectString(), "etcd").startHost().startAgent();
      int bridgePort = startBridge();
      prometheus = PrometheusServer.start(Files.createDirectories(tmp.resolve("prometheus")), node.logs(),
          Map.of("switchboard-agent", node.agentPort, "switchboard-bridge", bridgePort), rules);
      await().atMost(LONG).until(() -> prometheus.ready());
      await().atMost(LONG).untilAsserted(() -> assertThat(prometheus.values("up{job=~\"switchboard-agent|switchboard-bridge\"} == 1")).hasSize(2));
      System.out.printf("stack and Prometheus up after %.1f s%n", (System.nanoTime() - t0) / 1e9);

      // desired state: one plugin that activates, one whose artifact will fail its checksum (disabled for now)
      Stores.put(etcd, Stores.pluginKey(SVC, "response-header", "artifact"), Stores.artifact(Dist.plugin("response-header", "1.0.0"), "1.0.0"));
      Stores.put(etcd, Stores.pluginKey(SVC, "response-header", "enabled"), "true");
      Stores.put(etcd, Stores.pluginKey(SVC, "bad-sha", "artifact"),
          "{\"url\":\"" + Dist.plugin("response-header", "1.0.0").toUri() + "\",\"sha256\":\"" + "0".repeat(64) + "\",\"version\":\"1.0.0\"}");
      Stores.put(etcd, Stores.pluginKey(SVC, "bad-sha", "enabled"), "false");
      await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isPresent());
      String badFailures = "switchboard_reconcile_failures_total{service=\"" + SVC + "\",plugin=\"bad-sha\",reason=\"fetch_checksum_mismatch\"}";
      String conflicts = "sum(switchboard_bridge_conflicts_total)";
      String emptySkips = "switchboard_bridge_skipped_total{store=\"etcd\",reason=\"empty_value\"}";
      // Prometheus holds each counter at 0 before its first event
      await().atMost(LONG).untilAsserted(() -> {
        assertThat(prometheus.values(badFailures)).containsExactly(0.0);
        assertThat(prometheus.values(conflicts)).containsExactly(0.0);
        assertThat(prometheus.values(emptySkips)).containsExactly(0.0);
      });

      // the first events: a checksum failure, a conflict, a skipped value
      Stores.put(etcd, Stores.pluginKey(SVC, "bad-sha", "enabled"), "true");
      String conflictKey = "/switchboard/services/prom-bridge/plugins/both/enabled";
      signal("STOP", bridge.pid());
      try {
        Stores.put(etcd, conflictKey, "true");
        Stores.put(zk, conflictKey, "false");
      } finally {
        signal("CONT", bridge.pid());
      }
      try (Client raw = Client.builder().endpoints(ETCD.endpoints().split(",")).build()) {
        raw.getKVClient().put(ByteSequence.from("/switchboard/services/prom-bridge/plugins/empty/config", StandardCharsets.UTF_8), ByteSequence.EMPTY)
            .get(15, TimeUnit.SECONDS);
      }
      await().atMost(LONG).untilAsserted(() -> {
        assertThat(prometheus.values("increase(" + badFailures + "[" + RATE_INTERVAL + "])")).singleElement().satisfies(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(prometheus.values("sum(increase(switchboard_bridge_conflicts_total[" + RATE_INTERVAL + "]))")).singleElement()
            .satisfies(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(prometheus.values("increase(" + emptySkips + "[" + RATE_INTERVAL + "])")).singleElement().satisfies(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(prometheus.values("switchboard_plugin_state{plugin=\"bad-sha\",state=\"FAILED\"}")).containsExactly(1.0);
      });
      System.out.printf("first events seen by Prometheus after %.1f s%n", (System.nanoTime() - t0) / 1e9);

      checkDashboard(dashboard);
      checkRules(rules);

      for (String[] scrape : new String[][] {{"agent", node.metrics()}, {"bridge", Http.get(bridgePort, "/metrics").body()}}) {
        assertThat(PrometheusServer.checkMetrics(scrape[1])).as("promtool check metrics on the %s's /metrics", scrape[0]).isEmpty();
      }
      System.out.printf("done after %.1f s%n", (System.nanoTime() - t0) / 1e9);
    } catch (AssertionError | RuntimeException e) {
      System.out.println(node == null ? "" : node.diagnostics());
      System.out.println("--- bridge ---\n" + (bridge == null ? "" : bridge.output()));
      System.out.println("--- prometheus ---\n" + (prometheus == null ? "" : prometheus.output()));
      throw e;
    }
  }

  private int startBridge() throws Exception {
    Path config = node.dir.resolve("bridge.yaml");
    Files.write(config, List.of("root: /switchboard", "etcd: {endpoints: [" + ETCD.endpoints() + "]}",
        "zookeeper: {connect: \"" + ZK.connectString() + "\"}", "http: {listen: \"127.0.0.1:0\"}", "antiEntropyInterval: 3s"));
    bridge = Proc.start("bridge", node.logs(), Proc.java("-jar", Dist.cli().toString(), "bridge", "--config", config.toString()));
    return Integer.parseInt(bridge.await("^HTTP (\\d+)", LONG));
  }

  private static void signal(String sig, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor()).as("kill -" + sig).isZero();
  }

  /** Every target of every panel, with Grafana's variables as a user selecting the service would have them. */
  private void checkDashboard(JsonNode dashboard) throws Exception {
    String variable = dashboard.path("templating").path("list").get(0).path("query").asText();
    Matcher lv = Pattern.compile("label_values\\((\\w+), (\\w+)\\)").matcher(variable);
    assertThat(lv.matches()).as("service variable query " + variable).isTrue();
    JsonNode values = prometheus.api("label/" + lv.group(2) + "/values?match[]=" + lv.group(1));
    assertThat(values.path("data").toString()).as(variable).contains("\"" + SVC + "\"");

    Map<String, String> results = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String id = panel.path("title").asText() + "/" + target.path("refId").asText();
        String expr = target.path("expr").asText().replace("$__rate_interval", RATE_INTERVAL).replace("$service", SVC);
        JsonNode answer = prometheus.query(expr);
        if (!answer.path("status").asText().equals("success")) {
          problems.add(id + ": invalid: " + answer.path("error").asText() + " in " + expr);
          continue;
        }
        List<Double> v = prometheus.values(expr);
        results.put(id, v.toString());
        boolean hasNumber = v.stream().anyMatch(d -> !d.isNaN());
        if (EMPTY_WHEN_HEALTHY.contains(id)) {
          if (!v.isEmpty()) problems.add(id + ": should be empty while every agent is connected and attached, got " + v + " for " + expr);
        } else if (!hasNumber) {
          problems.add(id + ": no data (" + v + ") for " + expr);
        }
      }
    }
    results.forEach((id, v) -> System.out.println("dashboard " + id + " = " + v));
    assertThat(results).as("dashboard targets evaluated").hasSizeGreaterThanOrEqualTo(20);
    assertThat(problems).as("dashboard targets").isEmpty();
  }

  /** Every rule's expression through the query API, then the rule evaluation state Prometheus itself reports. */
  private void checkRules(Path rules) throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(rules.toFile());
    List<String> problems = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    for (JsonNode group : doc.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String name = rule.path("alert").asText();
        String expr = rule.path("expr").asText();
        names.add(name);
        JsonNode answer = prometheus.query(expr);
        if (!answer.path("status").asText().equals("success")) {
          problems.add(name + ": invalid: " + answer.path("error").asText());
          continue;
        }
        List<Double> v = prometheus.values(expr);
        System.out.println("rule " + name + " = " + v);
        if (FIRING.contains(name) && v.isEmpty()) problems.add(name + ": its condition holds here, but " + expr + " returned nothing");
        if (QUIET.contains(name) && !v.isEmpty()) problems.add(name + ": nothing is wrong here, but " + expr + " returned " + v);
        // whatever the condition, every series it reads exists (a typo in a name would keep an alert silent forever)
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
          if (prometheus.values("count({__name__=\"" + m.group() + "\"})").isEmpty()) problems.add(name + ": no series " + m.group());
        }
        Matcher job = Pattern.compile("up\\{job=\"([^\"]+)\"}").matcher(expr);
        if (job.find() && prometheus.values(job.group()).isEmpty()) problems.add(name + ": no scrape job " + job.group(1));
      }
    }
    assertThat(names).containsAll(FIRING).containsAll(QUIET);
    assertThat(problems).as("alerting rules").isEmpty();

    // Prometheus evaluated every rule without error, and the plugin-failed alert is pending or firing
    await().atMost(LONG).untilAsserted(() -> {
      List<String> unhealthy = new ArrayList<>();
      int count = 0;
      for (JsonNode group : prometheus.api("rules").path("data").path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          count++;
          if (!rule.path("health").asText().equals("ok")) unhealthy.add(rule.path("name").asText() + " " + rule.path("health") + " " + rule.path("lastError"));
        }
      }
      assertThat(count).as("rules loaded").isEqualTo(names.size());
      assertThat(unhealthy).isEmpty();
      assertThat(prometheus.api("alerts").path("data").path("alerts").toString()).contains("\"alertname\":\"SwitchboardPluginFailed\"");
    });
  }
}
