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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A method advice plugin through the whole sidecar flow: a flag in etcd makes the advice live in a real sample
 * host (a header added by advice on its request handler, not by its extension point), flipping it off removes it.
 */
class EtcdAdviceIT {
  @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();
  static final Duration LONG = Duration.ofSeconds(60);
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
    if (node != null) node.close();
  }

  static Optional<String> advised(int hostPort) {
    return Http.get(hostPort, "/").headers().firstValue("X-Advice");
  }

  @Test
  void anEtcdFlipWeavesTheAdviceIntoTheHostAndFlippingItOffRemovesIt() throws Exception {
    String svc = "etcd-advice-1";
    node = new AgentNode(tmp, svc, "node-1", ETCD.endpoints(), null, null).startHost().startAgent();
    await().atMost(LONG).ignoreExceptions().until(() -> Http.get(node.agentPort, "/readyz").statusCode() == 200);
    assertThat(advised(node.hostPort)).isEmpty();

    long t0 = System.nanoTime();
    Stores.put(etcd, Stores.pluginKey(svc, "advice-header", "artifact"), Stores.artifact(Dist.plugin("advice-header", "1.0.0"), "1.0.0"));
    Stores.put(etcd, Stores.pluginKey(svc, "advice-header", "enabled"), "true");
    await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(20)).until(() -> advised(node.hostPort).isPresent());
    System.out.printf("etcd enabled=true -> advice live in the host: %.0f ms (first activation: attach, fetch, weave)%n",
        (System.nanoTime() - t0) / 1e6);
    assertThat(advised(node.hostPort)).contains("advice-header/1.0.0");
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
      JsonNode st = Stores.json(etcd, Stores.statusKey(svc, "node-1", "advice-header")).orElseThrow();
      assertThat(st.path("state").asText()).isEqualTo("ACTIVE");
      assertThat(st.path("error").isNull()).isTrue();
    });

    long t1 = System.nanoTime();
    Stores.put(etcd, Stores.pluginKey(svc, "advice-header", "enabled"), "false");
    await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(5)).until(() -> advised(node.hostPort).isEmpty());
    System.out.printf("etcd enabled=false -> advice removed: %.0f ms%n", (System.nanoTime() - t1) / 1e6);
    await().atMost(LONG).ignoreExceptions().untilAsserted(() ->
        assertThat(Stores.json(etcd, Stores.statusKey(svc, "node-1", "advice-header")).map(j -> j.path("state").asText()))
            .contains("INACTIVE"));
    assertThat(Http.get(node.hostPort, "/").statusCode()).isEqualTo(200);
  }
}
