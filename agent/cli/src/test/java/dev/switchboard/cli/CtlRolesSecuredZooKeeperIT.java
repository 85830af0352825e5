package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.Secret;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.SecuredZooKeeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ctl roles apply} on a ZooKeeper with SASL users and ACLs, run as the digest super user. */
class CtlRolesSecuredZooKeeperIT {
  @RegisterExtension
  static final SecuredZooKeeper zk = SecuredZooKeeper.withUsers(Map.of("operator", "op-pw", "bridge", "br-pw", "agent-checkout-node-1", "a1-pw"));

  @TempDir static Path dir;
  static CtlSecuredEtcdIT.Result applied;

  @BeforeAll
  static void applyAsSuper() throws Exception {
    Path pw = dir.resolve("super.pw");
    Files.writeString(pw, zk.superPassword() + "\n");
    applied = CtlSecuredEtcdIT.ctl("roles", "apply", "--agent", "checkout/node-1", "--zookeeper", zk.connectString(),
        "--zk-digest-user", SecuredZooKeeper.SUPER, "--zk-digest-password-file", pw.toString());
  }

  static KeySpace as(String user, String password, List<String> acl) {
    return KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).operationTimeout(Duration.ofSeconds(10))
        .sasl(user, Secret.env("PW", name -> password)).acl(acl).build());
  }

  static void put(KeySpace ks, String key) throws Exception {
    ks.put(key, "true".getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
  }

  @Test
  void theTreesTopGetsItsAclsAndTheStoreEnforcesThemForTheAgent() throws Exception {
    assertThat(applied.exit()).as(applied.err()).isZero();
    assertThat(applied.out()).contains("create /switchboard/status/checkout/node-1 \"\" sasl:agent-checkout-node-1:cdrwa,world:anyone:r");
    try (KeySpace op = as("operator", "op-pw", List.of("sasl:operator:cdrwa", "sasl:bridge:cdrwa", "world:anyone:r"));
         KeySpace agent = as("agent-checkout-node-1", "a1-pw", List.of())) {
      put(op, "/switchboard/services/checkout/plugins/p/enabled");
      assertThatThrownBy(() -> put(agent, "/switchboard/services/checkout/plugins/p/enabled"))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("permission denied");
      assertThatThrownBy(() -> put(agent, "/switchboard/status/checkout/node-2/agent"))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("permission denied");
      agent.putLive("/switchboard/status/checkout/node-1/agent", "{}".getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
      assertThat(op.get("/switchboard/status/checkout/node-1/agent").get(20, TimeUnit.SECONDS)).isPresent();
      assertThat(agent.get("/switchboard/services/checkout/plugins/p/enabled").get(20, TimeUnit.SECONDS)).isPresent();
    }
  }

  @Test
  void applyingAgainSetsTheAclsOfWhatExists() {
    assertThat(applied.exit()).as(applied.err()).isZero();
    Path pw = dir.resolve("super.pw");
    CtlSecuredEtcdIT.Result again = CtlSecuredEtcdIT.ctl("roles", "apply", "--agent", "checkout/node-1", "--zookeeper", zk.connectString(),
        "--zk-digest-user", SecuredZooKeeper.SUPER, "--zk-digest-password-file", pw.toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains("setAcl /switchboard/services sasl:operator:cdrwa,sasl:bridge:cdrwa,world:anyone:r");
  }

  @Test
  void withoutAdministratorRightsTheFirstRefusalStopsWithExitOne() throws Exception {
    Path pw = dir.resolve("agent.pw");
    Files.writeString(pw, "a1-pw\n");
    CtlSecuredEtcdIT.Result r = CtlSecuredEtcdIT.ctl("roles", "apply", "--zookeeper", zk.connectString(),
        "--zk-user", "agent-checkout-node-1", "--zk-password-file", pw.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("setting the ACL of /switchboard");
  }
}
