package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.bridge.config.BridgeConfig;
import dev.switchboard.bridge.config.ConfigLoader;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.Secret;
import dev.switchboard.store.TlsFiles;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.SecuredEtcd;
import dev.switchboard.testkit.SecuredZooKeeper;
import dev.switchboard.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge on secured stores: etcd with client certificates and the bridge role (its ledger and
 * leader election on the same secured client), ZooKeeper over TLS with SASL and ACLs.
 */
class BridgeSecuredStoresIT {
  @RegisterExtension static final SecuredEtcd etcd = SecuredEtcd.create();
  @RegisterExtension static final SecuredZooKeeper zk = SecuredZooKeeper.withTls(Map.of("bridge", "br-pw", "operator", "op-pw"));

  static final List<String> WRITERS = List.of("sasl:operator:cdrwa", "sasl:bridge:cdrwa", "world:anyone:r");
  static TestCertificates.Pair etcdClient;
  static TestCertificates.Pair zkClient;
  static Path etcdPw;
  @TempDir Path dir;

  @BeforeAll
  static void roles() throws Exception {
    etcdClient = etcd.pki().client("switchboard-bridge");
    zkClient = zk.pki().client("switchboard-bridge");
    etcd.etcdctl("role", "add", "switchboard-bridge");
    etcd.etcdctl("role", "grant-permission", "switchboard-bridge", "readwrite", "/switchboard/services/", "--prefix=true");
    etcd.etcdctl("role", "grant-permission", "switchboard-bridge", "readwrite", "/switchboard/bridge/", "--prefix=true");
    etcd.addUser("bridge", "bridge-etcd-pw", "switchboard-bridge");
    etcdPw = etcd.pki().dir().resolve("bridge.pw");
    Files.writeString(etcdPw, "bridge-etcd-pw\n");
    try (CuratorFramework admin = CuratorFrameworkFactory.builder().connectString(zk.connectString()).retryPolicy(new RetryOneTime(200))
        .authorization("digest", (SecuredZooKeeper.SUPER + ":" + zk.superPassword()).getBytes(StandardCharsets.UTF_8)).build()) {
      admin.start();
      admin.blockUntilConnected();
      List<ACL> writers = List.of(new ACL(31, new Id("sasl", "operator")), new ACL(31, new Id("sasl", "bridge")), new ACL(1, new Id("world", "anyone")));
      admin.create().withACL(writers).forPath("/switchboard");
      admin.create().withACL(writers).forPath("/switchboard/services");
    }
  }

  BridgeConfig config(Path etcdPassword) throws Exception {
    Path f = dir.resolve("bridge.yaml");
    Files.writeString(f, "etcd:\n"
        + "  endpoints: [" + etcd.endpoint() + "]\n"
        + "  tls: {ca: " + etcd.pki().caFile() + ", cert: " + etcdClient.cert() + ", key: " + etcdClient.key() + "}\n"
        + "  user: bridge\n"
        + "  passwordFile: " + etcdPassword + "\n"
        + "zookeeper:\n"
        + "  connect: \"" + zk.secureConnectString() + "\"\n"
        + "  tls: {ca: " + zk.pki().caFile() + ", cert: " + zkClient.cert() + ", key: " + zkClient.key() + "}\n"
        + "  sasl: {user: bridge}\n"
        + "  acl: [\"sasl:operator:cdrwa\", \"sasl:bridge:cdrwa\", \"world:anyone:r\"]\n"
        + "http: {listen: \"127.0.0.1:0\"}\n"
        + "leaderTtl: 3s\nantiEntropyInterval: 2s\n");
    return ConfigLoader.load(f, Map.of("SWITCHBOARD_ZOOKEEPER_SASL_PASSWORD", "br-pw"), Map.of());
  }

  @Test
  void theBridgeIsElectedAndSyncsBothWaysWithItsOwnLeastPrivilegeCredentials() throws Exception {
    try (Bridge bridge = Bridge.start(config(etcdPw));
         KeySpace opZk = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).sasl("operator", Secret.env("P", n -> "op-pw")).acl(WRITERS).build())) {
      await().atMost(Duration.ofSeconds(30)).until(bridge::isLeader);
      etcd.etcdctl("put", "/switchboard/services/checkout/plugins/p/enabled", "true");
      await().atMost(Duration.ofSeconds(30)).until(() -> opZk.get("/switchboard/services/checkout/plugins/p/enabled").get(5, TimeUnit.SECONDS)
          .map(e -> e.valueUtf8()).orElse("").equals("true"));
      opZk.put("/switchboard/services/checkout/plugins/q/enabled", "true".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> etcd.etcdctl("get", "/switchboard/services/checkout/plugins/q/enabled").contains("true"));
      assertThat(etcd.etcdctl("get", "/switchboard/bridge/leader", "--print-value-only")).isNotBlank();
    }
  }

  @Test
  void aWrongEtcdPasswordLeavesTheBridgeRunningNotLeaderWithTheCauseInItsStatus() throws Exception {
    Path wrong = dir.resolve("wrong.pw");
    Files.writeString(wrong, "not-it\n");
    try (Bridge bridge = Bridge.start(config(wrong))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(bridge.status().get("stores")).contains("authentication failed"));
      assertThat(bridge.isLeader()).isFalse();
      assertThat(bridge.healthy()).isTrue();
      assertThat(String.valueOf(bridge.status())).doesNotContain("not-it");
    }
  }
}
