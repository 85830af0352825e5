package dev.switchboard.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 1: a flip written in etcd reaches both pods; a flip written in ZooKeeper does too; the bridge
 * mirrors each into the other store; the status keys, {@code /v1/status} and {@code switchboard ctl status} show the
 * truth.
 */
class FlipsReachEveryPodIT {
  @RegisterExtension static final SystemTopology SYSTEM = SystemTopology.builder().build();
  static final String PLUGIN = "response-header";
  static final Duration LONG = Duration.ofSeconds(60);

  @Test
  void flipsInEitherStoreChangeEveryPodAndTheBridgeMirrorsThem() throws Exception {
    Flags flags = SYSTEM.flags();
    try (Checker checker = SYSTEM.checker("FlipsReachEveryPodIT")) {
      checker.observe(Duration.ofMillis(50));
      for (Pod p : SYSTEM.pods()) assertThat(p.host().marker()).as(p + " before any flip").isEmpty();

      flags.artifact(Store.ETCD, PLUGIN, "1.0.0");
      flags.enable(Store.ETCD, PLUGIN, true);
      checker.awaitConverged("etcd enable (first activation: attach, fetch)");
      mirrored(flags.key(PLUGIN, "enabled"), "true");

      flags.enable(Store.ZOOKEEPER, PLUGIN, false);
      checker.awaitConverged("zookeeper disable");
      mirrored(flags.key(PLUGIN, "enabled"), "false");

      flags.enable(Store.ZOOKEEPER, PLUGIN, true);
      checker.awaitConverged("zookeeper enable");
      mirrored(flags.key(PLUGIN, "enabled"), "true");

      flags.enable(Store.ETCD, PLUGIN, false);
      checker.awaitConverged("etcd disable");
      flags.enable(Store.ETCD, PLUGIN, true);
      checker.awaitConverged("etcd enable (cached jar)");

      // a per-node override written in ZooKeeper switches exactly one pod off
      Pod b = SYSTEM.pod(1);
      flags.put(Store.ZOOKEEPER, flags.nodeKey(b.node(), PLUGIN), "false");
      checker.awaitConverged("zookeeper per-node override off");
      assertThat(SYSTEM.pod(0).host().marker()).contains(PLUGIN + "/1.0.0");
      flags.delete(Store.ETCD, flags.nodeKey(b.node(), PLUGIN));
      checker.awaitConverged("etcd override removed");

      checker.verify();
      assertThat(checker.failedRequests()).as("failed requests: " + checker.failures()).isZero();
    }

    // the truth in the status keys (both stores), /v1/status and switchboard ctl status
    for (Pod p : SYSTEM.pods()) {
      await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
        for (Store s : Store.values()) {
          JsonNode st = Pod.JSON.readTree(flags.get(s, flags.statusKey(p.node(), PLUGIN)).orElseThrow());
          assertThat(st.path("state").asText()).as(s + " status key of " + p + ": " + st).isEqualTo("ACTIVE");
          assertThat(st.path("version").asText()).isEqualTo("1.0.0");
          assertThat(st.path("desired").asBoolean()).isTrue();
          JsonNode agent = Pod.JSON.readTree(flags.get(s, flags.agentStatusKey(p.node())).orElseThrow());
          assertThat(agent.path("attached").asBoolean()).as(s + " agent key of " + p + ": " + agent).isTrue();
          assertThat(agent.path("stores").path("etcd").asText()).isEqualTo("connected");
          assertThat(agent.path("stores").path("zookeeper").asText()).isEqualTo("connected");
        }
      });
      JsonNode plugin = p.sidecar().plugin(PLUGIN);
      assertThat(plugin.path("state").asText()).isEqualTo("ACTIVE");
      assertThat(plugin.path("sha256").asText()).isEqualTo(DistCopy.sha256(SYSTEM.pluginJar(PLUGIN, "1.0.0")));
      assertThat(p.sidecar().metrics()).contains("switchboard_plugin_active{node=\"" + p.node() + "\",plugin=\"" + PLUGIN
          + "\",service=\"" + SYSTEM.service() + "\",version=\"1.0.0\"} 1.0");
    }
    for (String store : new String[] {"--etcd", "--zookeeper"}) {
      String endpoints = store.equals("--etcd") ? SYSTEM.etcd().endpoints() : SYSTEM.zooKeeper().connectString();
      Ctl.Result json = SYSTEM.ctl("status", SYSTEM.service(), "--json", store, endpoints);
      assertThat(json.exit()).as(json.output() + json.errors()).isZero();
      String out = json.output();
      JsonNode fleet = Pod.JSON.readTree(out.substring(out.indexOf('['), out.lastIndexOf(']') + 1));
      assertThat(fleet).as("ctl status " + store).hasSize(SYSTEM.pods().size());
      for (JsonNode n : fleet) {
        assertThat(n.path("agent").path("attached").asBoolean()).isTrue();
        assertThat(n.path("plugins").get(0).path("state").asText()).isEqualTo("ACTIVE");
        assertThat(n.path("plugins").get(0).path("version").asText()).isEqualTo("1.0.0");
      }
      Ctl.Result table = SYSTEM.ctl("status", store, endpoints);
      assertThat(table.output()).contains("pod-a").contains("pod-b").contains("ACTIVE");
    }
  }

  /** The bridge copied the value into the other store. */
  static void mirrored(String key, String value) {
    await().atMost(LONG).untilAsserted(() -> {
      for (Store s : Store.values()) assertThat(SYSTEM.flags().get(s, key)).as(s + " " + key).isEqualTo(Optional.of(value));
    });
  }
}
