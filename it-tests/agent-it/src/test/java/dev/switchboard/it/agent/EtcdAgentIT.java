package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.EtcdCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real sidecar process driven through a real etcd, attached to a real sample host JVM. */
class EtcdAgentIT {
  @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();
  static final Duration LONG = Duration.ofSeconds(60);
  static final AtomicInteger SERVICES = new AtomicInteger();
  static KeySpace etcd;

  @TempDir Path tmp;
  AgentNode node;

  @BeforeAll
  static void connect() {
    etcd = KeySpaces.etcd(EtcdOptions.builder(ETCD.endpoints()).build());
  }

  @AfterAll
  static void disconnect() {
    if (etcd != null) etcd.close();
  }

  @AfterEach
  void stop() {
    if (node != null) {
      System.out.println("agent output of the last test:" + node.diagnostics().lines().filter(l -> l.contains("flip to live") || l.contains("ERROR")).reduce("", (a, b) -> a + "\n" + b));
      node.close();
    }
  }

  static String service() {
    return "etcd-svc-" + SERVICES.incrementAndGet();
  }

  @Test
  void anEtcdFlipMakesTheHeaderAppearAndDisappearWithStatusKeysHttpStatusAndMetrics() throws Exception {
    String svc = service();
    node = new AgentNode(tmp, svc, "node-1", ETCD.endpoints(), null, null).startHost().startAgent();
    await().atMost(LONG).ignoreExceptions().until(() -> Http.get(node.agentPort, "/readyz").statusCode() == 200);
    assertThat(node.marker()).isEmpty();

    long t0 = System.nanoTime();
    String how = Stores.etcdctlPut(ETCD.endpoints(), etcd, Stores.pluginKey(svc, "response-header", "artifact"),
        Stores.artifact(Dist.plugin("response-header", "1.0.0"), "1.0.0"));
    Stores.etcdctlPut(ETCD.endpoints(), etcd, Stores.pluginKey(svc, "response-header", "enabled"), "true");
    System.out.println("desired state written with " + how);
    await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(20)).until(() -> node.marker().isPresent());
    System.out.printf("etcd enabled=true -> header on the host's responses: %.0f ms (first activation: attach done, jar fetched into the cache)%n", (System.nanoTime() - t0) / 1e6);
    assertThat(node.marker()).contains("response-header/1.0.0");

    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
      Optional<JsonNode> stored = Stores.json(etcd, Stores.statusKey(svc, "node-1", "response-header"));
      assertThat(stored).as("status key in etcd").isPresent();
      JsonNode st = stored.get();
      assertThat(st.path("state").asText()).isEqualTo("ACTIVE");
      assertThat(st.path("desired").asBoolean()).isTrue();
      assertThat(st.path("version").asText()).isEqualTo("1.0.0");
      assertThat(st.path("sha256").asText()).isEqualTo(Stores.sha256(Dist.plugin("response-header", "1.0.0")));
      assertThat(st.path("error").isNull()).isTrue();
    });
    JsonNode agentKey = Stores.json(etcd, "/switchboard/status/" + svc + "/node-1/agent").orElseThrow();
    assertThat(agentKey.path("attached").asBoolean()).isTrue();
    assertThat(agentKey.path("hostPid").asLong()).isEqualTo(node.host.pid());
    assertThat(agentKey.path("stores").path("etcd").asText()).isEqualTo("connected");
    JsonNode doc = node.status();
    assertThat(doc.path("service").asText()).isEqualTo(svc);
    assertThat(doc.path("agent").path("runtimeVersion").asText()).isNotBlank();
    assertThat(node.pluginStatus("response-header").path("state").asText()).isEqualTo("ACTIVE");
    assertThat(node.metrics())
        .contains("switchboard_plugin_active{node=\"node-1\",plugin=\"response-header\",service=\"" + svc + "\",version=\"1.0.0\"} 1.0")
        .contains("switchboard_store_connected{node=\"node-1\",service=\"" + svc + "\",store=\"etcd\"} 1.0")
        .contains("switchboard_flip_to_live_seconds_count");

    long t1 = System.nanoTime();
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "enabled"), "false");
    await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(5)).until(() -> node.marker().isEmpty());
    System.out.printf("etcd enabled=false -> header gone: %.0f ms%n", (System.nanoTime() - t1) / 1e6);
    long t2 = System.nanoTime();
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "enabled"), "true");
    await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(5)).until(() -> node.marker().isPresent());
    System.out.printf("etcd enabled=true again (cached jar) -> header back: %.0f ms%n", (System.nanoTime() - t2) / 1e6);
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "enabled"), "false");
    await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isEmpty());
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
      assertThat(Stores.json(etcd, Stores.statusKey(svc, "node-1", "response-header")).map(j -> j.path("state").asText())).contains("INACTIVE");
      assertThat(node.pluginStatus("response-header").path("desired").asBoolean()).isFalse();
      assertThat(node.metrics()).contains("plugin=\"response-header\",service=\"" + svc + "\",version=\"1.0.0\"} 0.0");
    });
    assertThat(node.agent.linesMatching("flip to live")).hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void badValuesYieldFailedNamingKeyAndReasonWhileOtherPluginsKeepServingAndAShaMismatchNeverLoads() throws Exception {
    String svc = service();
    node = new AgentNode(tmp, svc, "node-1", ETCD.endpoints(), null, null).startHost().startAgent();
    Path v1 = Dist.plugin("response-header", "1.0.0");
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "artifact"), Stores.artifact(v1, "1.0.0"));
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "enabled"), "true");
    await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isPresent());

    String sha = Stores.sha256(v1);
    String[][] bad = {
      {"artifact", "{\"url\": \"file:///x.jar\", \"sha256\": ", "bad JSON"},
      {"artifact", "{\"url\":\"file:///x.jar\",\"sha256\":\"abc123\"}", "'sha256' is not 64 hex digits"},
      {"artifact", "{\"url\":\"ftp://repo/x.jar\",\"sha256\":\"" + sha + "\"}", "unsupported URL scheme 'ftp'"},
      {"artifact", "{\"url\":\"file:///x.jar\",\"sha256\":\"" + sha + "\",\"version\":[1]}", "'version' must be a string"},
      {"artifact", "{\"url\":\"file:///x.jar\",\"sha256\":\"" + sha + "\",\"mirror\":7}", "unknown field 'mirror'"},
      {"enabled", "yes", "not true or false"},
      {"rollout", "{\"percent\":\"30\"}", "'percent' must be an integer"},
      {"rollout", "{\"percent\":130}", "outside 0..100"},
      {"config", "[1,2]", "config must be a JSON object"},
    };
    for (String[] b : bad) {
      String key = Stores.pluginKey(svc, "broken", b[0]);
      Stores.put(etcd, key, b[1]);
      await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
        JsonNode st = node.pluginStatus("broken");
        assertThat(st.path("state").asText()).isEqualTo("FAILED");
        assertThat(st.path("error").asText()).contains(key).contains(b[2]);
        Optional<JsonNode> stored = Stores.json(etcd, Stores.statusKey(svc, "node-1", "broken"));
        assertThat(stored).as("status key of 'broken' in etcd").isPresent();
        assertThat(stored.get().path("error").asText()).contains(key).contains(b[2]);
      });
      System.out.println("FAILED as expected: " + node.pluginStatus("broken").path("error").asText());
      assertThat(node.marker()).as("the other plugin keeps serving").contains("response-header/1.0.0");
      Stores.delete(etcd, key);
    }

    // a bad value for a running plugin: FAILED naming the key, its last good state stays in force
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "config"), "{\"header\": ");
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> assertThat(node.pluginStatus("response-header").path("error").asText())
        .contains(Stores.pluginKey(svc, "response-header", "config")).contains("bad JSON"));
    assertThat(node.marker()).contains("response-header/1.0.0");
    Stores.delete(etcd, Stores.pluginKey(svc, "response-header", "config"));
    await().atMost(LONG).ignoreExceptions().until(() -> node.pluginStatus("response-header").path("state").asText().equals("ACTIVE"));

    // sha256 mismatch: v2's jar under a wrong hash is never loaded, never cached
    Path v2 = Dist.plugin("response-header", "2.0.0");
    String wrong = "0".repeat(64);
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "artifact"),
        "{\"url\":\"" + v2.toUri() + "\",\"sha256\":\"" + wrong + "\",\"version\":\"2.0.0\"}");
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
      JsonNode st = node.pluginStatus("response-header");
      assertThat(st.path("state").asText()).isEqualTo("FAILED");
      assertThat(st.path("error").asText()).contains("sha256 mismatch");
    });
    assertThat(node.metrics()).containsPattern("switchboard_reconcile_failures_total\\{node=\"node-1\",plugin=\"response-header\",reason=\"fetch_checksum_mismatch\",service=\"[^\"]+\"} [1-9]");
    Thread.sleep(1500); // give a wrong load every chance to happen
    assertThat(node.marker()).as("version 1 keeps serving; the mismatching jar never loaded").contains("response-header/1.0.0");
    try (var files = java.nio.file.Files.list(node.dir.resolve("cache/sha256"))) {
      // only verified jars carry a final name; a retry in flight may hold a temporary file, which is never used
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".tmp")).toList())
          .containsExactly(Stores.sha256(v1) + ".jar");
    }
  }

  @Test
  void aRestartedAgentReAdoptsWithoutReloadingAndSurvivesAnEtcdCompactionWhileStopped() throws Exception {
    String svc = service();
    node = new AgentNode(tmp, svc, "node-1", ETCD.endpoints(), null, null).startHost().startAgent();
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "artifact"), Stores.artifact(Dist.plugin("response-header", "1.0.0"), "1.0.0"));
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "enabled"), "true");
    await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isPresent());
    long starts = node.host.linesMatching("response-header: adding").size();

    // the sidecar dies: plugins keep serving; a new sidecar re-adopts the runtime without reloading
    AtomicInteger misses = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    Thread poller = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          if (node.marker().isEmpty()) misses.incrementAndGet();
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          errors.incrementAndGet(); // a slow answer on a loaded machine is not a missing header
        }
      }
    });
    poller.start();
    node.agent.kill();
    node.startAgent();
    await().atMost(LONG).ignoreExceptions().until(() -> Http.get(node.agentPort, "/readyz").statusCode() == 200
        && node.pluginStatus("response-header").path("state").asText().equals("ACTIVE"));
    Thread.sleep(500);
    poller.interrupt();
    poller.join();
    System.out.println("requests during the sidecar restart: " + misses.get() + " without the header, " + errors.get() + " timed out");
    assertThat(misses.get()).as("responses without the header while the sidecar restarted").isZero();
    assertThat(node.host.linesMatching("response-header: adding")).as("plugin starts in the host").hasSize((int) starts);
    assertThat(node.agent.contains("attached to runtime")).isTrue();

    // stopped again; meanwhile the flag flips and etcd compacts the history away
    node.agent.kill();
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "enabled"), "false");
    for (int i = 0; i < 20; i++) Stores.put(etcd, "/switchboard/services/" + svc + "/plugins/filler/config", "{\"i\":" + i + "}");
    long revision = EtcdAdmin.compact(ETCD.endpoints());
    System.out.println("etcd compacted at revision " + revision + " while the agent was stopped");
    assertThat(node.marker()).as("nothing flips while no sidecar runs").isPresent();
    node.startAgent();
    await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isEmpty());
    await().atMost(LONG).ignoreExceptions().until(() -> node.pluginStatus("response-header").path("state").asText().equals("INACTIVE"));
  }

  @Test
  void aHostKilledAndRestartedWithANewPidGetsItsPluginsBackWithoutOperatorAction() throws Exception {
    String svc = service();
    node = new AgentNode(tmp, svc, "node-1", ETCD.endpoints(), null, null).startHost().startAgent();
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "artifact"), Stores.artifact(Dist.plugin("response-header", "1.0.0"), "1.0.0"));
    Stores.put(etcd, Stores.pluginKey(svc, "response-header", "enabled"), "true");
    await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isPresent());
    long oldPid = node.host.pid();

    long killed = System.nanoTime();
    node.host.kill();
    node.startHost();
    long listening = System.nanoTime();
    await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(20)).until(() -> node.marker().isPresent());
    long back = System.nanoTime();
    System.out.printf("host restarted with a new pid (%d -> %d): plugin back %.0f ms after the new host listened, %.0f ms after the kill%n",
        oldPid, node.host.pid(), (back - listening) / 1e6, (back - killed) / 1e6);
    assertThat(node.host.pid()).isNotEqualTo(oldPid);
    assertThat(node.marker()).contains("response-header/1.0.0");
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> assertThat(node.status().path("agent").path("hostPid").asLong()).isEqualTo(node.host.pid()));
  }
}
