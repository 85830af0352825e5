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

  @Test
  void aClientCertificateRotatedOnDiskIsUsedAfterTheOldOneExpiredWithoutRestartAndWithoutLosingAFlip() throws Exception {
    TestCertificates.Pair shortLived = zk.pki().shortLivedClient("rotating", Duration.ofSeconds(20));
    java.time.Instant oldExpires = java.time.Instant.now().plusSeconds(20);
    TestCertificates.Pair files = new TestCertificates.Pair(zk.pki().dir().resolve("zk-rotating.pem"), zk.pki().dir().resolve("zk-rotating-key.pem"));
    java.nio.file.Files.copy(shortLived.cert(), files.cert());
    java.nio.file.Files.copy(shortLived.key(), files.key());
    String key = "/switchboard/services/rotation/plugins/p/enabled";
    ZooKeeperOptions watcherOptions = ZooKeeperOptions.builder(zk.secureConnectString()).sessionTimeout(Duration.ofSeconds(20))
        .tls(new TlsFiles(zk.pki().caFile(), files.cert(), files.key())).sasl("operator", Secret.env("PW", n -> "op-pw")).build();
    try (KeySpace watcher = KeySpaces.zookeeper(watcherOptions);
         KeySpace writer = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).sasl("operator", Secret.env("PW", n -> "op-pw")).build())) {
      dev.switchboard.store.Recorder r = new dev.switchboard.store.Recorder();
      watcher.watch("/switchboard/services/rotation", r);
      await().atMost(Duration.ofSeconds(30)).until(() -> watcher.state() == StoreState.CONNECTED);
      int flips = 0;
      boolean rotated = false;
      boolean restarted = false;
      while (!restarted || flips < 80) {
        if (!rotated && flips == 10) {
          zk.pki().reissue(files, "rotating");
          rotated = true;
        }
        if (rotated && !restarted && java.time.Instant.now().isAfter(oldExpires.plusSeconds(1))) {
          zk.server().kill();   // the next connection needs a new handshake: only the rotated certificate is valid now
          zk.server().start();
          restarted = true;
        }
        String v = "flip-" + flips;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> writer.put(key, b(v)).get(5, TimeUnit.SECONDS) != null);
        flips++;
        if (!restarted) {
          java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
      }
      int total = flips;
      await().atMost(Duration.ofSeconds(40)).until(() -> ("flip-" + (total - 1)).equals(r.view().get(key)));
      assertThat(watcher.state()).isEqualTo(StoreState.CONNECTED);
    }
  }
}
