package dev.switchboard.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ConsoleViewTest {
  static final String ROOT = "/switchboard";
  static final ConsoleView.Source SRC = new ConsoleView.Source(ROOT, "etcd", "http://127.0.0.1:2379", "connected", true);

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Map<String, byte[]> status() {
    Map<String, byte[]> m = new TreeMap<>();
    m.put(ROOT + "/status/shop/web-1/agent", b("{\"attached\":true,\"hostJava\":\"17\"}"));
    m.put(ROOT + "/status/shop/web-1/plugins/rh", b("{\"state\":\"ACTIVE\",\"desired\":true,\"version\":\"1.0.0\",\"since\":\"2026-12-03T20:00:00Z\"}"));
    m.put(ROOT + "/status/shop/web-2/plugins/rh", b("{\"state\":\"FAILED\",\"desired\":true,\"error\":\"boom\"}"));
    m.put(ROOT + "/status/shop/web-2/plugins/audit", b("{\"state\":\"ACTIVE\",\"desired\":true,\"version\":\"0.9\"}"));
    return m;
  }

  @Test
  void servicesListEveryPluginOfTheServiceAsColumnsAndEveryNodeAsARow() {
    JsonNode doc = ConsoleView.build(SRC, Instant.EPOCH, status(), Map.of(), List.of(), 600);
    JsonNode shop = doc.path("services").get(0);
    assertThat(shop.path("service").asText()).isEqualTo("shop");
    assertThat(shop.path("plugins").toString()).isEqualTo("[\"audit\",\"rh\"]");
    assertThat(shop.path("nodes")).extracting(n -> n.path("node").asText()).containsExactly("web-1", "web-2");
    assertThat(shop.path("nodes").get(0).path("agent").path("attached").asBoolean()).isTrue();
    assertThat(doc.path("windowSeconds").asLong()).isEqualTo(600);
    assertThat(doc.path("connection").asText()).isEqualTo("connected");
  }

  @Test
  void rolloutsAreTheFleetSummaryWithWhatOperatorsWroteAndPluginsWithoutStatusToo() throws Exception {
    Map<String, byte[]> desired = new TreeMap<>();
    String rh = ROOT + "/services/shop/plugins/rh/";
    desired.put(rh + "enabled", b("true"));
    desired.put(rh + "rollout", b("{\"percent\": 50}"));
    desired.put(rh + "artifact", b("{\"url\":\"file:/rh.jar\",\"sha256\":\"aa\",\"version\":\"1.0.0\"}"));
    desired.put(rh + "canary", b("{\"artifact\":{\"url\":\"file:/rh2.jar\",\"sha256\":\"bb\",\"version\":\"2.0.0\"},\"nodes\":[\"web-2\"]}"));
    desired.put(rh + "config", b("{\"header\":\"x\"}"));
    desired.put(ROOT + "/services/shop/nodes/web-1/plugins/rh/enabled", b("false"));
    desired.put(ROOT + "/services/cart/plugins/new/enabled", b("true"));
    desired.put(ROOT + "/services/cart/plugins/new/rollout", b("not json"));
    JsonNode doc = ConsoleView.build(SRC, Instant.EPOCH, status(), desired, List.of(), 600);
    JsonNode lines = doc.path("rollouts");
    assertThat(lines).extracting(l -> l.path("service").asText() + "/" + l.path("plugin").asText())
        .containsExactly("cart/new", "shop/audit", "shop/rh");
    JsonNode line = lines.get(2);
    assertThat(line.path("nodes").asInt()).isEqualTo(2);
    assertThat(line.path("live").asInt()).isEqualTo(1);
    assertThat(line.path("progress").asInt()).isEqualTo(50);
    assertThat(line.path("flag")).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        "{\"enabled\":\"true\",\"artifact\":\"1.0.0\",\"canary\":\"2.0.0 @ 1 node\",\"rollout\":\"50%\",\"overrides\":1}"));
    assertThat(lines.get(1).path("flag").isNull()).as("a plugin with status but no desired state").isTrue();
    assertThat(lines.get(0).path("nodes").asInt()).isZero();
    assertThat(lines.get(0).path("flag").path("rollout").asText()).isEqualTo("invalid: not json");
  }

  @Test
  void flagValuesAreTheDesiredKeysRelativeToServicesInTheOperatorsWordsWithoutConfigs() {
    Map<String, byte[]> desired = Map.of(ROOT + "/services/shop/plugins/rh/enabled", b("true"),
        ROOT + "/services/shop/plugins/rh/artifact", b("{\"url\":\"file:/rh.jar\",\"sha256\":\"aa\",\"version\":\"1.0.0\"}"),
        ROOT + "/services/shop/plugins/rh/rollout", b("{\"nodes\":[\"a\",\"b\"]}"),
        ROOT + "/services/shop/plugins/rh/config", b("{}"), ROOT + "/elsewhere", b("x"));
    assertThat(ConsoleView.flagValues(ROOT, desired)).containsExactly(Map.entry("shop/plugins/rh/artifact", "1.0.0"),
        Map.entry("shop/plugins/rh/enabled", "true"), Map.entry("shop/plugins/rh/rollout", "2 nodes"));
  }

  @Test
  void flipsAreListedAsGiven() {
    FlipLog.Flip f = new FlipLog.Flip(Instant.EPOCH, "state", "shop", "web-1", "rh", "state", "INACTIVE", "ACTIVE");
    JsonNode doc = ConsoleView.build(SRC, Instant.EPOCH, Map.of(), Map.of(), List.of(f), 60);
    assertThat(doc.path("flips").toString()).isEqualTo(
        "[{\"at\":\"1970-01-01T00:00:00Z\",\"kind\":\"state\",\"service\":\"shop\",\"node\":\"web-1\",\"plugin\":\"rh\",\"what\":\"state\",\"from\":\"INACTIVE\",\"to\":\"ACTIVE\"}]");
    assertThat(doc.path("services")).isEmpty();
  }

  @Test
  void anUnreadableStatusValueIsShownAsTheNodesErrorNamingTheKey() {
    Map<String, byte[]> m = new TreeMap<>(status());
    m.put(ROOT + "/status/shop/web-3/plugins/rh", b("{not json"));
    JsonNode doc = ConsoleView.build(SRC, Instant.EPOCH, m, Map.of(), List.of(), 600);
    JsonNode web3 = doc.path("services").get(0).path("nodes").get(2);
    assertThat(web3.path("node").asText()).isEqualTo("web-3");
    assertThat(web3.path("plugins").get(0).path("error").asText())
        .startsWith("unreadable status value at /switchboard/status/shop/web-3/plugins/rh: ");
    assertThat(web3.path("plugins").get(0).has("state")).as("no state to show").isFalse();
    assertThat(doc.path("rollouts").get(1).path("failing").toString()).contains("web-3");
  }
}
