package dev.switchboard.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.sidecar.config.AgentConfig;
import dev.switchboard.sidecar.config.ConfigLoader;
import dev.switchboard.testkit.SecuredZooKeeper;
import dev.switchboard.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent, from its YAML, against a ZooKeeper whose client port requires TLS client certificates, with SASL
 * and the least-privilege ACLs of docs/security.md: it connects over TLS as its own SASL identity, reads its
 * service's desired state and publishes its own status; a wrong password is named in its HTTP status (never the
 * password) while it keeps serving.
 */
class AgentSecuredZooKeeperIT {
  @RegisterExtension
  static final SecuredZooKeeper zk = SecuredZooKeeper.withTls(Map.of("operator", "op-pw", "agent-checkout-node-1", "agent-pw"));
  static TestCertificates.Pair client;
  static Path agentPw;
  @TempDir Path tmp;
  Process host;

  @BeforeAll
  static void acls() throws Exception {
    client = zk.pki().client("switchboard-agent");
    agentPw = zk.pki().dir().resolve("agent-zk.pw");
    Files.writeString(agentPw, "agent-pw\n");
    ACL read = new ACL(1, new Id("world", "anyone"));
    List<ACL> writers = List.of(new ACL(31, new Id("sasl", "operator")), read);
    try (CuratorFramework admin = admin()) {
      admin.create().withACL(writers).forPath("/switchboard");
      admin.create().withACL(writers).forPath("/switchboard/services");
      admin.create().creatingParentsIfNeeded().withACL(writers).forPath("/switchboard/services/checkout/plugins/p/enabled", "false".getBytes(StandardCharsets.UTF_8));
      admin.create().withACL(List.of(read)).forPath("/switchboard/status");
      admin.create().withACL(List.of(read)).forPath("/switchboard/status/checkout");
      admin.create().withACL(List.of(new ACL(31, new Id("sasl", "agent-checkout-node-1")), read)).forPath("/switchboard/status/checkout/node-1");
    }
  }

  static CuratorFramework admin() throws InterruptedException {
    CuratorFramework c = CuratorFrameworkFactory.builder().connectString(zk.connectString()).retryPolicy(new RetryOneTime(200))
        .authorization("digest", (SecuredZooKeeper.SUPER + ":" + zk.superPassword()).getBytes(StandardCharsets.UTF_8)).build();
    c.start();
    c.blockUntilConnected();
    return c;
  }

  @BeforeEach
  void host() throws Exception {
    host = new ProcessBuilder("sleep", "600").start();
  }

  @AfterEach
  void stopHost() {
    host.destroy();
  }

  AgentConfig config(Path password) throws Exception {
    Path yaml = tmp.resolve("agent.yaml");
    Files.writeString(yaml, "service: checkout\nnode: node-1\n"
        + "zookeeper:\n  connect: " + zk.secureConnectString() + "\n"
        + "  tls: {ca: " + zk.pki().caFile() + ", cert: " + client.cert() + ", key: " + client.key() + "}\n"
        + "  sasl: {user: agent-checkout-node-1, passwordFile: " + password + "}\n"
        + "host: {pid: " + host.pid() + "}\n"
        + "cacheDir: " + tmp.resolve("cache") + "\ncontrolDir: " + tmp.resolve("ctl") + "\n"
        + "http: {listen: 127.0.0.1:0}\nruntimeJar: " + tmp.resolve("runtime.jar") + "\n");
    return ConfigLoader.load(Map.of(), List.of("--config", yaml.toString()));
  }

  static JsonNode status(int port) throws Exception {
    return AgentSecuredEtcdIT.status(port);
  }

  @Test
  void theAgentConnectsOverTlsAsItsSaslIdentityAndPublishesItsOwnStatus() throws Exception {
    try (Sidecar agent = Sidecar.start(config(agentPw)); CuratorFramework admin = admin()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> status(agent.httpPort()).path("agent").path("stores").path("zookeeper").asText().equals("connected"));
      await().atMost(Duration.ofSeconds(30)).until(() -> admin.checkExists().forPath("/switchboard/status/checkout/node-1/agent") != null);
      String value = new String(admin.getData().forPath("/switchboard/status/checkout/node-1/agent"), StandardCharsets.UTF_8);
      assertThat(value).contains("\"stores\"");
      // the node it created carries its own identity (nobody else may rewrite it) and world read
      assertThat(admin.getACL().forPath("/switchboard/status/checkout/node-1/agent"))
          .extracting(a -> a.getId().getScheme() + ":" + a.getId().getId())
          .contains("sasl:agent-checkout-node-1", "world:anyone");
    }
  }

  @Test
  void aWrongPasswordIsNamedInTheAgentsStatusWithoutThePassword() throws Exception {
    Path wrong = tmp.resolve("wrong.pw");
    Files.writeString(wrong, "nope-pw\n");
    try (Sidecar agent = Sidecar.start(config(wrong))) {
      await().atMost(Duration.ofSeconds(45)).until(() -> status(agent.httpPort()).path("agent").path("stores").path("zookeeper").asText().contains("authentication failed"));
      assertThat(status(agent.httpPort()).toString()).doesNotContain("nope-pw");
    }
  }
}
