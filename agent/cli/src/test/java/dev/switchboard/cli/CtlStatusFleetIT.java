package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.sidecar.reconcile.PluginReport;
import dev.switchboard.sidecar.status.AgentStatus;
import dev.switchboard.sidecar.status.StatusPublisher;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ctl status} for fleets against real etcd and ZooKeeper, with status keys written by the agent's real
 * {@link StatusPublisher} (one store session per node, as agents have): the per-plugin summary, the filters,
 * {@code --output json} and {@code --watch} redrawing when a node's status changes.
 */
class CtlStatusFleetIT {
  @RegisterExtension static final EtcdCluster etcd = EtcdCluster.single();
  @RegisterExtension static final ZooKeeperEnsemble zk = ZooKeeperEnsemble.single();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHA1 = "a".repeat(64);
  private static final String SHA2 = "b".repeat(64);

  static final List<KeySpace> stores = new ArrayList<>();
  static final List<StatusPublisher> publishers = new ArrayList<>();

  record Result(int exit, String out, String err) {}

  /** shop: web-1..web-4 run rh (web-4 fails), web-5 and web-6 are outside the rollout; cart: api-1 runs rh. */
  @BeforeAll
  static void fleet() {
    for (int i = 1; i <= 6; i++) {
      StatusPublisher p = publisher("shop", "web-" + i);
      String state = i <= 3 ? "ACTIVE" : i == 4 ? "FAILED" : "INACTIVE";
      String version = i == 3 ? "2.0.0" : "1.0.0";
      String error = i == 4 ? "sha256 mismatch for http://repo/rh.jar" : null;
      p.plugin(report("rh", state, i <= 4, version, error));
      p.plugin(report("audit", "ACTIVE", true, "0.9.0", null));
    }
    publisher("cart", "api-1").plugin(report("rh", "ACTIVE", true, "1.0.0", null));
  }

  static StatusPublisher publisher(String service, String node) {
    return publisher("/switchboard", service, node);
  }

  static StatusPublisher publisher(String root, String service, String node) {
    KeySpace e = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).build());
    KeySpace z = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).build());
    stores.add(e);
    stores.add(z);
    StatusPublisher p = new StatusPublisher(List.of(e, z), root, service, node);
    publishers.add(p);
    p.agent(new AgentStatus("0.1.0", "0.1.0", 42L, "17", true, Map.of("etcd", "connected", "zookeeper", "connected"),
        Instant.now().toString()));
    return p;
  }

  static PluginReport report(String plugin, String state, boolean desired, String version, String error) {
    return new PluginReport(plugin, state, desired, version, version.startsWith("2") ? SHA2 : SHA1,
        Instant.now().toString(), error, 1, state.equals("ACTIVE"));
  }

  @AfterAll
  static void close() {
    publishers.forEach(StatusPublisher::close);
    stores.forEach(KeySpace::close);
  }

  static Result ctl(String... args) {
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      List<String> all = new ArrayList<>(List.of("ctl", "status"));
      all.addAll(List.of(args));
      int exit = Main.run(all.toArray(String[]::new));
      return new Result(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
  }

  static JsonNode json(Result r) throws Exception {
    assertThat(r.exit()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  static JsonNode plugin(JsonNode summary, String service, String plugin) {
    for (JsonNode s : summary) {
      if (s.path("service").asText().equals(service) && s.path("plugin").asText().equals(plugin)) return s;
    }
    throw new AssertionError("no summary line for " + service + "/" + plugin + " in " + summary);
  }

  @Test
  void theSummaryCountsNodesPerStateAndVersionWithRolloutProgressAndFailingNodesInBothStores() {
    for (String store : new String[] {"--etcd=" + etcd.endpoints(), "--zookeeper=" + zk.connectString()}) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode all = json(ctl("--summary", "--output", "json", store));
        assertThat(all).hasSize(3);
        JsonNode rh = plugin(all, "shop", "rh");
        assertThat(rh.path("nodes").asInt()).isEqualTo(6);
        assertThat(rh.path("desired").asInt()).isEqualTo(4);
        assertThat(rh.path("live").asInt()).isEqualTo(3);
        assertThat(rh.path("progress").asInt()).isEqualTo(75);
        assertThat(rh.path("states").toString()).isEqualTo("{\"ACTIVE\":3,\"FAILED\":1,\"INACTIVE\":2}");
        assertThat(rh.path("versions").toString()).isEqualTo("{\"1.0.0\":2,\"2.0.0\":1}");
        assertThat(rh.path("failing")).hasSize(1);
        assertThat(rh.path("failing").get(0).path("node").asText()).isEqualTo("web-4");
        assertThat(rh.path("failing").get(0).path("error").asText()).isEqualTo("sha256 mismatch for http://repo/rh.jar");
        assertThat(plugin(all, "shop", "audit").path("progress").asInt()).isEqualTo(100);
        assertThat(plugin(all, "cart", "rh").path("nodes").asInt()).isEqualTo(1);
      });
      Result table = ctl("--summary", store);
      assertThat(table.exit()).as(table.err()).isZero();
      assertThat(table.out()).containsPattern("shop +rh +6 +4 +3 +75%  ACTIVE=3 FAILED=1 INACTIVE=2 +1\\.0\\.0=2 2\\.0\\.0=1")
          .contains("    web-4 FAILED: sha256 mismatch for http://repo/rh.jar");
    }
  }

  @Test
  void filtersNarrowByServicePluginStateAndNodePattern() throws Exception {
    String store = "--etcd=" + etcd.endpoints();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(json(ctl("--output=json", store))).hasSize(7));
    JsonNode failed = json(ctl("--state", "failed", "--output", "json", store));
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).path("node").asText()).isEqualTo("web-4");
    assertThat(failed.get(0).path("plugins")).hasSize(1);

    JsonNode some = json(ctl("--node", "web-[1]*", "--json", store));
    assertThat(some).isEmpty(); // the pattern is a glob, not a regular expression: '[' is literal
    JsonNode glob = json(ctl("--service", "shop", "--node", "web-?", "--plugin", "rh", "--state", "ACTIVE,INACTIVE", "--json", store));
    assertThat(glob).extracting(n -> n.path("node").asText()).containsExactly("web-1", "web-2", "web-3", "web-5", "web-6");
    glob.forEach(n -> assertThat(n.path("plugins")).extracting(p -> p.path("plugin").asText()).containsExactly("rh"));

    JsonNode cart = json(ctl("cart", "--summary", "--json", store));
    assertThat(cart).extracting(s -> s.path("service").asText() + "/" + s.path("plugin").asText()).containsExactly("cart/rh");

    Result bad = ctl("--state", "RUNNING", store);
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--state: unknown state 'RUNNING'");
    assertThat(ctl("shop", "--service", "cart", store).exit()).isEqualTo(2);
  }

  @Test
  void watchRedrawsTheSummaryInPlaceWhenANodeRecovers() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    Thread t;
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      t = new Thread(() -> Main.run("ctl", "status", "--summary", "--watch", "--plugin", "rh", "--service", "watched",
          "--root=/watched", "--zookeeper=" + zk.connectString()), "ctl-status-watch");
      t.start();
      StatusPublisher a = publisher("/watched", "watched", "n-1");
      StatusPublisher b = publisher("/watched", "watched", "n-2");
      a.plugin(report("rh", "ACTIVE", true, "1.0.0", null));
      b.plugin(report("rh", "FAILED", true, "1.0.0", "runtime refused: entry class missing"));
      await().atMost(Duration.ofSeconds(30)).until(() -> o.toString(StandardCharsets.UTF_8).contains("n-2 FAILED: runtime refused"));
      assertThat(lastFrame(o)).containsPattern("watched +rh +2 +2 +1 +50%");
      b.plugin(report("rh", "ACTIVE", true, "1.0.0", null));
      await().atMost(Duration.ofSeconds(30)).until(() -> lastFrame(o).contains("100%"));
      assertThat(lastFrame(o)).containsPattern("watched +rh +2 +2 +2 +100%  ACTIVE=2").doesNotContain("FAILED");
      t.interrupt();
      t.join(10_000);
    } finally {
      System.setOut(out);
    }
    assertThat(t.isAlive()).as("the watch ends when interrupted").isFalse();
    String all = o.toString(StandardCharsets.UTF_8);
    assertThat(all.split(java.util.regex.Pattern.quote(CtlStatus.REDRAW), -1).length - 1)
        .as("each frame starts with cursor-home + clear").isGreaterThanOrEqualTo(2);
  }

  static String lastFrame(ByteArrayOutputStream o) {
    String all = o.toString(StandardCharsets.UTF_8);
    int i = all.lastIndexOf(CtlStatus.REDRAW);
    return i < 0 ? "" : all.substring(i);
  }
}
