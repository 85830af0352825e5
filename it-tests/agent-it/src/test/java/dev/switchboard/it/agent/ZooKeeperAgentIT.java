package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The same loop through ZooKeeper alone: Curator writes, ephemeral status nodes. */
class ZooKeeperAgentIT {
  @RegisterExtension static final ZooKeeperEnsemble ZK = ZooKeeperEnsemble.single();
  static final Duration LONG = Duration.ofSeconds(60);

  @TempDir Path tmp;
  AgentNode node;

  @AfterEach
  void stop() {
    if (node != null) node.close();
  }

  @Test
  void zooKeeperWritesMakeTheHeaderAppearAndDisappearWithEphemeralStatusNodes() throws Exception {
    String svc = "zk-svc";
    try (KeySpace zk = KeySpaces.zookeeper(ZooKeeperOptions.builder(ZK.connectString()).build())) {
      node = new AgentNode(tmp, svc, "node-1", null, ZK.connectString(), null).startHost().startAgent();
      await().atMost(LONG).ignoreExceptions().until(() -> Http.get(node.agentPort, "/readyz").statusCode() == 200);
      Stores.put(zk, Stores.pluginKey(svc, "response-header", "artifact"), Stores.artifact(Dist.plugin("response-header", "1.0.0"), "1.0.0"));
      long t0 = System.nanoTime();
      Stores.put(zk, Stores.pluginKey(svc, "response-header", "enabled"), "true");
      await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(10)).until(() -> node.marker().isPresent());
      System.out.printf("ZooKeeper enabled=true -> header: %.0f ms (first activation)%n", (System.nanoTime() - t0) / 1e6);
      assertThat(node.marker()).contains("response-header/1.0.0");
      await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
        java.util.Optional<JsonNode> st = Stores.json(zk, Stores.statusKey(svc, "node-1", "response-header"));
        assertThat(st).as("status node in ZooKeeper").isPresent();
        assertThat(st.get().path("state").asText()).isEqualTo("ACTIVE");
        assertThat(st.get().path("version").asText()).isEqualTo("1.0.0");
      });
      assertThat(zk.get(Stores.statusKey(svc, "node-1", "response-header")).get().orElseThrow().ephemeral()).isTrue();
      assertThat(Stores.json(zk, "/switchboard/status/" + svc + "/node-1/agent").orElseThrow().path("stores").path("zookeeper").asText()).isEqualTo("connected");
      assertThat(node.metrics()).contains("switchboard_store_connected{node=\"node-1\",service=\"" + svc + "\",store=\"zookeeper\"} 1.0")
          .contains("plugin=\"response-header\",service=\"" + svc + "\",version=\"1.0.0\"} 1.0");

      long t1 = System.nanoTime();
      Stores.put(zk, Stores.pluginKey(svc, "response-header", "enabled"), "false");
      await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(5)).until(() -> node.marker().isEmpty());
      System.out.printf("ZooKeeper enabled=false -> header gone: %.0f ms%n", (System.nanoTime() - t1) / 1e6);
      long t2 = System.nanoTime();
      Stores.put(zk, Stores.pluginKey(svc, "response-header", "enabled"), "true");
      await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(5)).until(() -> node.marker().isPresent());
      System.out.printf("ZooKeeper enabled=true again (cached jar) -> header back: %.0f ms%n", (System.nanoTime() - t2) / 1e6);
      Stores.delete(zk, Stores.pluginKey(svc, "response-header", "enabled"));
      await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isEmpty());
      await().atMost(LONG).ignoreExceptions().untilAsserted(() -> assertThat(node.pluginStatus("response-header").path("state").asText()).isEqualTo("INACTIVE"));

      // the agent dies: its ephemeral status nodes go with its session
      node.agent.kill();
      await().atMost(LONG).ignoreExceptions().until(() -> zk.get("/switchboard/status/" + svc + "/node-1/agent").get().isEmpty());
    }
  }
}
