package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.JettyHome;
import dev.switchboard.testkit.Jdks;
import dev.switchboard.testkit.Proc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A method advice plugin through the whole sidecar flow: a flag in etcd makes the advice live in a real sample
 * host (a header added by advice on its request handler, not by its extension point), flipping it off removes it;
 * the same for an unmodified standalone Jetty 12 on JDK 17 and JDK 25, where the flip off also brings the original
 * bytes of the woven class back and the plugin's loader is collected while Jetty keeps serving.
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

  static Optional<String> jettyHeader(int port) {
    return Http.get(port, "/some/path").headers().firstValue("X-Switchboard-Advice");
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

  @ParameterizedTest(name = "Jetty on JDK {0}")
  @ValueSource(ints = {17, 25})
  void anEtcdFlipAddsAHeaderToAnUnmodifiedJettyAndFlippingItOffRestoresItsBytesWhileJettyKeepsServing(int jdk) throws Exception {
    Optional<Path> home = JettyHome.fromProperty();
    assumeTrue(home.isPresent(), JettyHome.PROPERTY + " not set (run through Maven: the build unpacks jetty-home)");
    assumeTrue(jdk != 25 || Jdks.java25Available(), "Temurin 25 not installed at " + Jdks.JAVA25);
    String svc = "etcd-advice-jetty-" + jdk;
    node = new AgentNode(tmp, svc, "node-1", ETCD.endpoints(), null, null);
    node.exports = "[]"; // Jetty offers no package to plugins: the advice needs none
    node.startJetty(Jdks.java(jdk), home.get()).startAgent();
    await().atMost(LONG).ignoreExceptions().until(() -> Http.get(node.agentPort, "/readyz").statusCode() == 200);
    String plain = Http.get(node.hostPort, "/some/path").body();
    assertThat(Http.get(node.hostPort, "/some/path").statusCode()).as("Jetty with nothing deployed").isEqualTo(404);
    assertThat(jettyHeader(node.hostPort)).isEmpty();

    Stores.put(etcd, Stores.pluginKey(svc, "jetty-header", "artifact"), Stores.artifact(Dist.plugin("jetty-header", "1.0.0"), "1.0.0"));
    Stores.put(etcd, Stores.pluginKey(svc, "jetty-header", "enabled"), "true");
    await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(20)).until(() -> jettyHeader(node.hostPort).isPresent());
    assertThat(jettyHeader(node.hostPort)).contains("jetty-header/1.0.0");
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
      JsonNode st = Stores.json(etcd, Stores.statusKey(svc, "node-1", "jetty-header")).orElseThrow();
      assertThat(st.path("state").asText()).isEqualTo("ACTIVE");
      assertThat(st.path("error").isNull()).as(st.toString()).isTrue();
    });
    JsonNode woven = wovenServer(hostAdvice());
    assertThat(woven.path("restored").asBoolean()).as("Jetty's Server is woven: " + woven).isFalse();

    Stores.put(etcd, Stores.pluginKey(svc, "jetty-header", "enabled"), "false");
    await().atMost(LONG).ignoreExceptions().pollInterval(Duration.ofMillis(5)).until(() -> jettyHeader(node.hostPort).isEmpty());
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
      JsonNode st = Stores.json(etcd, Stores.statusKey(svc, "node-1", "jetty-header")).orElseThrow();
      assertThat(st.path("state").asText()).isEqualTo("INACTIVE");
      assertThat(st.path("unload").asText()).as(st.toString()).isEqualTo("collected");
    });
    JsonNode advice = hostAdvice();
    assertThat(advice.path("sites").asLong()).isZero();
    assertThat(advice.path("wovenClasses").asLong()).isZero();
    JsonNode restored = wovenServer(advice);
    assertThat(restored.path("restored").asBoolean()).as(restored.toString()).isTrue();
    assertThat(restored.path("current").asText()).as("the installed bytes are the original ones")
        .isEqualTo(woven.path("original").asText());
    for (int i = 0; i < 3; i++) {
      assertThat(Http.get(node.hostPort, "/some/path").body()).isEqualTo(plain);
      assertThat(jettyHeader(node.hostPort)).isEmpty();
    }
    assertThat(node.host.alive()).isTrue();
  }

  /** {@code stats.advice} of the runtime the agent attached, read with {@code switchboard host status --json}. */
  private JsonNode hostAdvice() throws Exception {
    try (Proc cli = Proc.start("cli-status", node.logs(), Proc.java("-jar", Dist.cli().toString(), "host", "status", "--pid",
        Long.toString(node.host.pid()), "--json", "--control-dir", node.dir.resolve("ctl").toString()))) {
      assertThat(cli.awaitExit(Duration.ofSeconds(60))).as(cli.output()).isZero();
      String out = cli.output();
      return AgentNode.JSON.readTree(out.substring(out.indexOf('{'))).path("stats").path("advice");
    }
  }

  private static JsonNode wovenServer(JsonNode advice) {
    java.util.List<String> keys = new java.util.ArrayList<>();
    advice.path("classes").fieldNames().forEachRemaining(k -> {
      if (k.startsWith("org.eclipse.jetty.server.Server@")) keys.add(k);
    });
    assertThat(keys).as("woven classes: " + advice.path("classes")).hasSize(1);
    return advice.path("classes").path(keys.get(0));
  }
}
