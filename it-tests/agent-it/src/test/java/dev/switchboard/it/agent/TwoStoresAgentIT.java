package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Both stores configured, etcd preferred: ZooKeeper takes over while etcd is down. */
class TwoStoresAgentIT {
  @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();
  @RegisterExtension static final ZooKeeperEnsemble ZK = ZooKeeperEnsemble.single();
  static final Duration LONG = Duration.ofSeconds(90);

  @TempDir Path tmp;
  AgentNode node;

  @AfterEach
  void stop() {
    if (node != null) node.close();
  }

  @Test
  void thePreferredStoreStoppedFlipsInTheOtherStillApplyAndAfterItsRestartTheAgentConverges() throws Exception {
    String svc = "two-svc";
    String artifact = Stores.artifact(Dist.plugin("response-header", "1.0.0"), "1.0.0");
    String enabled = Stores.pluginKey(svc, "response-header", "enabled");
    try (KeySpace etcd = KeySpaces.etcd(EtcdOptions.builder(ETCD.endpoints()).build());
        KeySpace zk = KeySpaces.zookeeper(ZooKeeperOptions.builder(ZK.connectString()).build())) {
      for (KeySpace ks : new KeySpace[] {etcd, zk}) {
        Stores.put(ks, Stores.pluginKey(svc, "response-header", "artifact"), artifact);
        Stores.put(ks, enabled, "true");
      }
      node = new AgentNode(tmp, svc, "node-1", ETCD.endpoints(), ZK.connectString(), "etcd").startHost().startAgent();
      await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isPresent());
      await().atMost(LONG).ignoreExceptions().until(() -> Http.get(node.agentPort, "/readyz").statusCode() == 200);
      // etcd is in force: a write to ZooKeeper alone changes nothing
      Stores.put(zk, enabled, "false");
      Thread.sleep(1000);
      assertThat(node.marker()).as("ZooKeeper is not in force while etcd is connected").isPresent();

      long stopped = System.nanoTime();
      ETCD.member(0).stop();
      await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(20)).until(() -> node.marker().isEmpty());
      System.out.printf("etcd stopped: ZooKeeper's view (enabled=false) in force after %.0f ms%n", (System.nanoTime() - stopped) / 1e6);
      await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
        assertThat(node.status().path("agent").path("stores").path("etcd").asText()).isNotEqualTo("connected");
        assertThat(node.metrics()).containsPattern("switchboard_store_connected\\{node=\"[^\"]+\",service=\"[^\"]+\",store=\"etcd\"} 0.0");
      });
      long t = System.nanoTime();
      Stores.put(zk, enabled, "true");
      await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(10)).until(() -> node.marker().isPresent());
      System.out.printf("flip in ZooKeeper while etcd is down applied in %.0f ms%n", (System.nanoTime() - t) / 1e6);
      Stores.put(zk, enabled, "false");
      await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isEmpty());

      long restarted = System.nanoTime();
      ETCD.member(0).start();
      // etcd back: its view (enabled=true) is in force again
      await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(20)).until(() -> node.marker().isPresent());
      System.out.printf("etcd restarted: its view in force again after %.0f ms%n", (System.nanoTime() - restarted) / 1e6);
      // and the agent follows the latest writes
      Stores.put(etcd, enabled, "false");
      await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isEmpty());
      Stores.put(etcd, enabled, "true");
      await().atMost(LONG).ignoreExceptions().until(() -> node.marker().isPresent());
      await().atMost(LONG).ignoreExceptions().until(() -> Http.get(node.agentPort, "/readyz").statusCode() == 200);
      assertThat(node.status().path("agent").path("stores").path("etcd").asText()).isEqualTo("connected");
    }
  }
}
