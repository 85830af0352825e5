package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.EtcdCluster;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart policy through a real sidecar, a real etcd and a real sample host: a config written in etcd for a
 * plugin holding a TCP port and an MBean (the fixtures {@code holds-port-stop-first} and {@code holds-port}, not
 * Reconfigurable, so a config change restarts them). With {@code stop-first} the running instance is stopped and the
 * new one serves the new config on the new port; with the default side-by-side policy the new instance cannot take
 * the MBean name, and the status key says what is true: the old instance is {@code ACTIVE} and still serving, with
 * the refusal in {@code error}.
 */
class RestartPolicyAgentIT {
  @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();
  static final Duration LONG = Duration.ofSeconds(60);

  @TempDir Path tmp;
  AgentNode node;

  @AfterEach
  void stop() {
    if (node != null) node.close();
  }

  @Test
  void aConfigChangeInEtcdRestartsAStopFirstPluginOnItsNewPortAndASideBySideOneStaysActiveWithTheRefusal() throws Exception {
    String svc = "restart-policy";
    node = new AgentNode(tmp, svc, "node-1", ETCD.endpoints(), null, null).startHost().startAgent();
    await().atMost(LONG).ignoreExceptions().until(() -> Http.get(node.agentPort, "/readyz").statusCode() == 200);
    // a generous operation timeout: on a busy machine the first put can wait longer than the default 5 s (Stores waits 15 s)
    try (KeySpace etcd = KeySpaces.etcd(EtcdOptions.builder(ETCD.endpoints()).operationTimeout(Duration.ofSeconds(14)).build())) {
      // stop-first: the new config's instance replaces the old one
      String stopFirst = "holds-port-stop-first";
      int p1 = freePort();
      enable(etcd, svc, stopFirst, p1, "one");
      await().atMost(LONG).ignoreExceptions().until(() -> ask(p1).equals(stopFirst + "/1.0.0 one mbean=one"));
      int p2 = freePort();
      Stores.put(etcd, Stores.pluginKey(svc, stopFirst, "config"), config(p2, "two"));
      await().atMost(LONG).ignoreExceptions().until(() -> ask(p2).equals(stopFirst + "/1.0.0 two mbean=two"));
      assertThat(refused(p1)).as("the old instance's port " + p1 + " is closed").isTrue();
      await().atMost(LONG).untilAsserted(() -> {
        JsonNode st = Stores.json(etcd, Stores.statusKey(svc, "node-1", stopFirst)).orElseThrow();
        assertThat(st.path("state").asText()).as(st.toString()).isEqualTo("ACTIVE");
        assertThat(st.path("error").isNull()).as(st.toString()).isTrue();
      });

      // side-by-side: refused while the old instance holds the MBean; the old one keeps serving and is shown ACTIVE
      String sideBySide = "holds-port";
      int p3 = freePort();
      enable(etcd, svc, sideBySide, p3, "one");
      await().atMost(LONG).ignoreExceptions().until(() -> ask(p3).equals(sideBySide + "/1.0.0 one mbean=one"));
      Stores.put(etcd, Stores.pluginKey(svc, sideBySide, "config"), config(freePort(), "two"));
      await().atMost(LONG).untilAsserted(() -> {
        JsonNode st = Stores.json(etcd, Stores.statusKey(svc, "node-1", sideBySide)).orElseThrow();
        assertThat(st.path("state").asText()).as(st.toString()).isEqualTo("ACTIVE");
        assertThat(st.path("error").asText()).as(st.toString()).contains("InstanceAlreadyExistsException")
            .contains("dev.switchboard.fixtures:type=HoldsPort,plugin=" + sideBySide);
      });
      assertThat(ask(p3)).as("the old instance still serves with its config").isEqualTo(sideBySide + "/1.0.0 one mbean=one");
      assertThat(node.pluginStatus(sideBySide).path("state").asText()).as("/v1/status").isEqualTo("ACTIVE");
    }
  }

  private static void enable(KeySpace etcd, String svc, String id, int port, String greeting) throws Exception {
    Path jar = Dist.file("plugins/fixtures/" + id + "-1.0.0.jar");
    Stores.put(etcd, Stores.pluginKey(svc, id, "artifact"), Stores.artifact(jar, "1.0.0"));
    Stores.put(etcd, Stores.pluginKey(svc, id, "config"), config(port, greeting));
    Stores.put(etcd, Stores.pluginKey(svc, id, "enabled"), "true");
  }

  private static String config(int port, String greeting) {
    return "{\"port\":" + port + ",\"greeting\":\"" + greeting + "\"}";
  }

  /** The one line the fixture writes to every connection. */
  private static String ask(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  private static boolean refused(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
