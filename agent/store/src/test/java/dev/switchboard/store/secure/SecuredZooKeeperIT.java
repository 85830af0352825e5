package dev.switchboard.store.secure;

import static dev.switchboard.store.Recorder.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.Recorder;
import dev.switchboard.store.Secret;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.SecuredZooKeeper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ZooKeeper adapter against a ZooKeeper with SASL (DIGEST-MD5) and ACLs: the tree and its
 * ACLs are set up as docs/security.md's zkCli commands do; operator and agent authenticate with
 * SASL; the store itself refuses what an agent may not write.
 */
class SecuredZooKeeperIT {
  static final List<String> WRITERS_ACL = List.of("sasl:operator:cdrwa", "sasl:bridge:cdrwa", "world:anyone:r");

  @RegisterExtension
  static final SecuredZooKeeper zk = SecuredZooKeeper.withUsers(Map.of(
      "operator", "op-pw", "bridge", "br-pw", "agent-checkout-node-1", "agent-pw"));

  @BeforeAll
  static void tree() throws Exception {
    ZkAcls.setUp(zk, "checkout", "node-1", "agent-checkout-node-1");
  }

  static ZooKeeperOptions.Builder sasl(String user, String password) {
    return ZooKeeperOptions.builder(zk.connectString())
        .operationTimeout(Duration.ofSeconds(5))
        .sasl(user, Secret.env("PW", name -> password));
  }

  static Throwable failure(java.util.concurrent.CompletableFuture<?> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void anAgentReadsDesiredStateAndWritesItsOwnStatusButTheStoreRefusesDesiredStateAndOtherNodesStatus() throws Exception {
    try (KeySpace op = KeySpaces.zookeeper(sasl("operator", "op-pw").acl(WRITERS_ACL).build());
         KeySpace agent = KeySpaces.zookeeper(sasl("agent-checkout-node-1", "agent-pw").build())) {
      op.put("/switchboard/services/checkout/plugins/p/enabled", b("true")).get(10, TimeUnit.SECONDS);
      Recorder r = new Recorder();
      agent.watch("/switchboard/services/checkout", r);
      await().atMost(Duration.ofSeconds(20)).until(() -> agent.state() == StoreState.CONNECTED);
      await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(r.view().get("/switchboard/services/checkout/plugins/p/enabled")));

      agent.putLive("/switchboard/status/checkout/node-1/agent", b("{\"attached\":true}")).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> op.get("/switchboard/status/checkout/node-1/agent").get(5, TimeUnit.SECONDS).isPresent());

      Throwable desired = failure(agent.put("/switchboard/services/checkout/plugins/p/enabled", b("false")));
      assertThat(desired).isInstanceOf(StoreException.class);
      assertThat(((StoreException) desired).code()).isEqualTo(StoreException.Code.REJECTED);
      assertThat(desired.getMessage()).contains("permission denied").contains("sasl:agent-checkout-node-1");

      Throwable newDesired = failure(agent.put("/switchboard/services/checkout/plugins/other/enabled", b("true")));
      assertThat(newDesired).isInstanceOf(StoreException.class).hasMessageContaining("permission denied");

      Throwable other = failure(agent.put("/switchboard/status/checkout/node-2/agent", b("{}")));
      assertThat(other).isInstanceOf(StoreException.class).hasMessageContaining("permission denied");

      assertThat(op.get("/switchboard/services/checkout/plugins/p/enabled").get(10, TimeUnit.SECONDS).orElseThrow().valueUtf8()).isEqualTo("true");
    }
  }

  @Test
  void nodesTheOperatorCreatesCarryTheConfiguredAclSoTheBridgeMayWriteThem() throws Exception {
    try (KeySpace op = KeySpaces.zookeeper(sasl("operator", "op-pw").acl(WRITERS_ACL).build());
         KeySpace bridge = KeySpaces.zookeeper(sasl("bridge", "br-pw").acl(WRITERS_ACL).build())) {
      op.put("/switchboard/services/checkout/plugins/acl/enabled", b("true")).get(10, TimeUnit.SECONDS);
      bridge.put("/switchboard/services/checkout/plugins/acl/enabled", b("false")).get(10, TimeUnit.SECONDS);
      try (CuratorFramework admin = ZkAcls.admin(zk)) {
        var acl = admin.getACL().forPath("/switchboard/services/checkout/plugins/acl/enabled");
        assertThat(acl.stream().map(a -> a.getId().getScheme() + ":" + a.getId().getId() + ":" + a.getPerms()).toList())
            .containsExactlyInAnyOrder("sasl:operator:31", "sasl:bridge:31", "world:anyone:1");
        var parent = admin.getACL().forPath("/switchboard/services/checkout/plugins/acl");
        assertThat(parent).hasSize(3);
      }
    }
  }

  @Test
  void aWrongSaslPasswordIsReportedAsAuthenticationFailedWithoutThePassword() throws Exception {
    try (KeySpace ks = KeySpaces.zookeeper(sasl("operator", "wrong-pw").build())) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ks.problem().isPresent());
      assertThat(ks.problem().orElseThrow()).contains("authentication failed").doesNotContain("wrong-pw");
      Throwable t = failure(ks.put("/switchboard/services/checkout/plugins/z/enabled", b("true")));
      assertThat(t).isInstanceOf(StoreException.class);
      assertThat(t.getMessage()).doesNotContain("wrong-pw");
    }
  }

  @Test
  void digestAuthenticationIsAnAlternativeToSasl() throws Exception {
    try (CuratorFramework admin = ZkAcls.admin(zk)) {
      admin.setACL().withACL(List.of(
              new org.apache.zookeeper.data.ACL(31, new org.apache.zookeeper.data.Id("digest",
                  dev.switchboard.store.zookeeper.ZkSecurity.digestId("ops", "digest-pw".toCharArray()))),
              new org.apache.zookeeper.data.ACL(1, new org.apache.zookeeper.data.Id("world", "anyone"))))
          .forPath("/switchboard/status/checkout");
    }
    try (KeySpace ks = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).digest("ops", Secret.env("X", n -> "digest-pw")).build())) {
      ks.put("/switchboard/status/checkout/digest-marker", b("x")).get(10, TimeUnit.SECONDS);
      assertThat(ks.get("/switchboard/status/checkout/digest-marker").get(5, TimeUnit.SECONDS)).isPresent();
    }
  }
}
