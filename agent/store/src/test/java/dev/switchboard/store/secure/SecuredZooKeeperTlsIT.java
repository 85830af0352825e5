package dev.switchboard.store.secure;

import static dev.switchboard.store.Recorder.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.Secret;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.TlsFiles;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.SecuredZooKeeper;
import dev.switchboard.testkit.TestCertificates;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ZooKeeper's TLS client port (Netty on both sides, the build's one Netty line) with SASL on top. */
class SecuredZooKeeperTlsIT {
  @RegisterExtension static final SecuredZooKeeper zk = SecuredZooKeeper.withTls(Map.of("operator", "op-pw"));

  @Test
  void aClientWithACertificateConnectsToTheSecurePortAndWritesAndReads() throws Exception {
    TestCertificates.Pair client = zk.pki().client("switchboard-client");
    ZooKeeperOptions o = ZooKeeperOptions.builder(zk.secureConnectString())
        .tls(new TlsFiles(zk.pki().caFile(), client.cert(), client.key()))
        .sasl("operator", Secret.env("PW", n -> "op-pw"))
        .build();
    try (KeySpace ks = KeySpaces.zookeeper(o)) {
      ks.put("/switchboard/services/tls/plugins/p/enabled", b("true")).get(20, TimeUnit.SECONDS);
      assertThat(ks.get("/switchboard/services/tls/plugins/p/enabled").get(10, TimeUnit.SECONDS).orElseThrow().valueUtf8()).isEqualTo("true");
    }
  }

  @Test
  void aWrongCaOnTheSecurePortNeverConnects() throws Exception {
    TestCertificates other = TestCertificates.create(zk.pki().dir().resolve("other"), "other-ca");
    TestCertificates.Pair client = zk.pki().client("switchboard-client");
    ZooKeeperOptions o = ZooKeeperOptions.builder(zk.secureConnectString()).connectionTimeout(Duration.ofSeconds(2))
        .tls(new TlsFiles(other.caFile(), client.cert(), client.key())).build();
    try (KeySpace ks = KeySpaces.zookeeper(o)) {
      Throwable t = null;
      try {
        ks.get("/switchboard").get(15, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        t = e.getCause();
      }
      assertThat(t).isNotNull();
      assertThat(ks.state()).isNotEqualTo(StoreState.CONNECTED);
    }
  }
}
