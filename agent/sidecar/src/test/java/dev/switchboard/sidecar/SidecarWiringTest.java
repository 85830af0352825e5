package dev.switchboard.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.control.Sha256;
import dev.switchboard.sidecar.config.AgentConfig;
import dev.switchboard.sidecar.testing.FakeConnection;
import dev.switchboard.sidecar.testing.FakeKeySpace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wiring with in-memory stores and runtime: status keys, /v1/status, /metrics, /readyz. */
class SidecarWiringTest {
  static final String P = "/switchboard/services/checkout/plugins/response-header/";
  @TempDir Path tmp;

  @Test
  void aFlagInTheStoreBecomesAnActivePluginWithStatusKeysHttpStatusAndMetrics() throws Exception {
    Path jar = tmp.resolve("rh.jar");
    Files.write(jar, new byte[] {1, 2, 3, 4});
    String sha = Sha256.of(jar);
    FakeKeySpace etcd = new FakeKeySpace("etcd");
    FakeConnection runtime = new FakeConnection();
    AgentConfig cfg = new AgentConfig("checkout", "node-1", "/switchboard", List.of("http://127.0.0.1:1"), null, "etcd",
        ProcessHandle.current().pid(), null, null, List.of(), tmp.resolve("cache"), tmp.resolve("ctl"), "127.0.0.1", 0,
        tmp.resolve("runtime.jar"), 1_000_000);
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    try (Sidecar sidecar = new Sidecar(cfg, List.of(etcd), pid -> runtime)) {
      String base = "http://127.0.0.1:" + sidecar.httpPort();
      assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(503);
      etcd.connect();
      await().atMost(Duration.ofSeconds(10)).until(() -> get(http, base + "/readyz").statusCode() == 200);

      etcd.write(P + "artifact", "{\"url\":\"" + jar.toUri() + "\",\"sha256\":\"" + sha + "\",\"version\":\"1.0.0\"}");
      etcd.write(P + "enabled", "true");
      await().atMost(Duration.ofSeconds(10)).until(() -> runtime.plugins.containsKey("response-header"));

      String key = "/switchboard/status/checkout/node-1/plugins/response-header";
      await().atMost(Duration.ofSeconds(10)).until(() -> etcd.liveValue(key) != null && etcd.liveValue(key).contains("\"ACTIVE\""));
      JsonNode st = json.readTree(etcd.liveValue(key));
      assertThat(st.get("desired").asBoolean()).isTrue();
      assertThat(st.get("sha256").asText()).isEqualTo(sha);
      assertThat(st.get("error").isNull()).isTrue();
      assertThat(st.get("generation").asLong()).isPositive();
      assertThat(st.has("since") && st.has("version")).isTrue();

      JsonNode agent = json.readTree(etcd.liveValue("/switchboard/status/checkout/node-1/agent"));
      assertThat(agent.get("attached").asBoolean()).isTrue();
      assertThat(agent.get("stores").get("etcd").asText()).isEqualTo("connected");
      assertThat(agent.get("hostPid").asLong()).isEqualTo(4242);

      JsonNode doc = json.readTree(get(http, base + "/v1/status").body());
      assertThat(doc.get("service").asText()).isEqualTo("checkout");
      assertThat(doc.get("node").asText()).isEqualTo("node-1");
      assertThat(doc.get("agent").get("attached").asBoolean()).isTrue();
      assertThat(doc.get("plugins").get(0).get("plugin").asText()).isEqualTo("response-header");
      assertThat(doc.get("plugins").get(0).get("state").asText()).isEqualTo("ACTIVE");

      String metrics = get(http, base + "/metrics").body();
      assertThat(metrics)
          .contains("switchboard_plugin_active{node=\"node-1\",plugin=\"response-header\",service=\"checkout\",version=")
          .contains("switchboard_flip_to_live_seconds_bucket")
          .contains("switchboard_store_connected{node=\"node-1\",service=\"checkout\",store=\"etcd\"} 1.0")
          .contains("switchboard_agent_attached{node=\"node-1\",service=\"checkout\"} 1.0")
          .contains("switchboard_plugin_state{node=\"node-1\",plugin=\"response-header\",service=\"checkout\",state=\"ACTIVE\"} 1.0")
          // known since its desired state was read: at 0 before its first failure
          .contains("switchboard_reconcile_failures_total{node=\"node-1\",plugin=\"response-header\",reason=\"fetch_checksum_mismatch\",service=\"checkout\"} 0.0");

      etcd.write(P + "artifact", "{\"url\":\"" + jar.toUri() + "\",\"sha256\":\"" + "0".repeat(64) + "\"}");
      etcd.write(P + "enabled", "false");
      await().atMost(Duration.ofSeconds(10)).until(() -> runtime.plugins.isEmpty());
      etcd.write(P + "config", "[1]");
      await().atMost(Duration.ofSeconds(10)).until(() -> etcd.liveValue(key).contains("FAILED"));
      assertThat(etcd.liveValue(key)).contains(P + "config").contains("config must be a JSON object");
      etcd.write(P + "enabled", "true");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(get(http, base + "/metrics").body()).containsPattern("switchboard_reconcile_failures_total\\{node=\"node-1\",plugin=\"response-header\","
              + "reason=\"fetch_checksum_mismatch\",service=\"checkout\"} [1-9]"));
      assertThat(runtime.plugins).isEmpty(); // a sha256 mismatch never loads the jar
    }
  }

  @Test
  void keysWithNamesOutsideTheNameRuleAreListedWithTheirReasonInHttpStatus() throws Exception {
    FakeKeySpace etcd = new FakeKeySpace("etcd");
    FakeConnection runtime = new FakeConnection();
    AgentConfig cfg = new AgentConfig("checkout", "node-1", "/switchboard", List.of("http://127.0.0.1:1"), null, "etcd",
        ProcessHandle.current().pid(), null, null, List.of(), tmp.resolve("cache"), tmp.resolve("ctl"), "127.0.0.1", 0,
        tmp.resolve("runtime.jar"), 1_000_000);
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    try (Sidecar sidecar = new Sidecar(cfg, List.of(etcd), pid -> runtime)) {
      String base = "http://127.0.0.1:" + sidecar.httpPort();
      etcd.connect();
      await().atMost(Duration.ofSeconds(10)).until(() -> get(http, base + "/readyz").statusCode() == 200);
      assertThat(json.readTree(get(http, base + "/v1/status").body()).get("rejectedKeys")).isEmpty();

      String dots = "/switchboard/services/checkout/plugins/../enabled";
      String slash = "/switchboard/services/checkout/plugins/a/b/enabled";
      etcd.write(dots, "true");
      etcd.write(slash, "true");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode rejected = json.readTree(get(http, base + "/v1/status").body()).get("rejectedKeys");
        assertThat(rejected).hasSize(2);
        assertThat(rejected.findValuesAsText("key")).containsExactlyInAnyOrder(dots, slash);
        assertThat(rejected.toString()).contains("invalid plugin name '..'").contains("not a key of the desired-state layout");
      });
      assertThat(runtime.plugins).isEmpty();
      String segment = "/switchboard/services/checkout/plugins/../x/enabled";
      etcd.skip(segment, "invalid key: path has a '..' segment");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(json.readTree(get(http, base + "/v1/status").body())
          .get("rejectedKeys").toString()).contains(segment).contains("skipped by the etcd adapter: invalid key: path has a '..' segment"));
      etcd.delete(dots);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(json.readTree(get(http, base + "/v1/status").body()).get("rejectedKeys").findValuesAsText("key")).containsExactly(slash, segment));
    }
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
