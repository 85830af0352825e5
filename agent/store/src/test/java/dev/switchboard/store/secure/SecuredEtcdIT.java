package dev.switchboard.store.secure;

import static dev.switchboard.store.Recorder.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.Recorder;
import dev.switchboard.store.Secret;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.TlsFiles;
import dev.switchboard.testkit.SecuredEtcd;
import dev.switchboard.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The etcd adapter against an etcd that requires client certificates and has authentication
 * enabled, with the least-privilege roles of docs/security.md set up by the documented etcdctl
 * commands.
 */
class SecuredEtcdIT {
  @RegisterExtension static final SecuredEtcd etcd = SecuredEtcd.create();

  static TestCertificates.Pair client;
  static Path agentPassword;
  static Path operatorPassword;

  @BeforeAll
  static void roles() throws Exception {
    client = etcd.pki().client("switchboard-client");
    EtcdRoles.setUp(etcd, "checkout", "node-1", "agent-checkout-node-1", "s3cret-agent", "operator", "s3cret-op", "bridge", "s3cret-br");
    agentPassword = write("agent.pw", "s3cret-agent\n");
    operatorPassword = write("operator.pw", "s3cret-op\n");
  }

  static Path write(String name, String text) throws Exception {
    Path p = etcd.pki().dir().resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }

  static EtcdOptions.Builder opts(TestCertificates.Pair cert, String user, Path password) {
    return EtcdOptions.builder(etcd.endpoint())
        .operationTimeout(Duration.ofSeconds(3))
        .tls(new TlsFiles(etcd.pki().caFile(), cert.cert(), cert.key()))
        .auth(user, user == null ? null : Secret.file(password));
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
  void anOperatorWithCertificateAndPasswordWritesDesiredStateAndSeesItThroughAWatch() throws Exception {
    try (KeySpace op = KeySpaces.etcd(opts(client, "operator", operatorPassword).build())) {
      Recorder r = new Recorder();
      op.watch("/switchboard/services/checkout", r);
      await().atMost(Duration.ofSeconds(20)).until(() -> op.state() == StoreState.CONNECTED);
      op.put("/switchboard/services/checkout/plugins/p/enabled", b("true")).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(r.view().get("/switchboard/services/checkout/plugins/p/enabled")));
      assertThat(op.problem()).isEmpty();
    }
  }

  @Test
  void anAgentReadsItsServiceAndWritesItsOwnStatusButTheStoreRefusesDesiredStateAndOtherNodesStatus() throws Exception {
    try (KeySpace op = KeySpaces.etcd(opts(client, "operator", operatorPassword).build());
         KeySpace agent = KeySpaces.etcd(opts(client, "agent-checkout-node-1", agentPassword).build())) {
      op.put("/switchboard/services/checkout/plugins/q/enabled", b("true")).get(10, TimeUnit.SECONDS);
      Recorder r = new Recorder();
      agent.watch("/switchboard/services/checkout", r);
      await().atMost(Duration.ofSeconds(20)).until(() -> agent.state() == StoreState.CONNECTED);
      await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(r.view().get("/switchboard/services/checkout/plugins/q/enabled")));

      agent.putLive("/switchboard/status/checkout/node-1/agent", b("{\"attached\":true}")).get(10, TimeUnit.SECONDS);
      assertThat(agent.get("/switchboard/status/checkout/node-1/agent").get(10, TimeUnit.SECONDS)).isPresent();

      Throwable desired = failure(agent.put("/switchboard/services/checkout/plugins/q/enabled", b("false")));
      assertThat(desired).isInstanceOf(StoreException.class);
      assertThat(((StoreException) desired).code()).isEqualTo(StoreException.Code.REJECTED);
      assertThat(desired.getMessage()).contains("permission denied");

      Throwable other = failure(agent.put("/switchboard/status/checkout/node-2/agent", b("{}")));
      assertThat(other).isInstanceOf(StoreException.class);
      assertThat(other.getMessage()).contains("permission denied");

      Throwable otherService = failure(agent.get("/switchboard/services/payments/plugins/x/enabled"));
      assertThat(otherService).isInstanceOf(StoreException.class).hasMessageContaining("permission denied");

      assertThat(op.get("/switchboard/services/checkout/plugins/q/enabled").get(10, TimeUnit.SECONDS).orElseThrow().valueUtf8()).isEqualTo("true");
      assertThat(op.get("/switchboard/status/checkout/node-2/agent").get(10, TimeUnit.SECONDS)).isEmpty();
    }
  }

  @Test
  void aWrongCaIsReportedAsTheProblemAndNothingCrashes() throws Exception {
    TestCertificates other = TestCertificates.create(etcd.pki().dir().resolve("other"), "other-ca");
    EtcdOptions o = EtcdOptions.builder(etcd.endpoint()).operationTimeout(Duration.ofSeconds(2))
        .tls(new TlsFiles(other.caFile(), client.cert(), client.key())).auth("operator", Secret.file(operatorPassword)).build();
    try (KeySpace ks = KeySpaces.etcd(o)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ks.problem().isPresent());
      assertThat(ks.problem().orElseThrow()).contains("tls.ca");
      assertThat(ks.state()).isNotEqualTo(StoreState.CONNECTED);
      Throwable t = failure(ks.get("/switchboard/services/x"));
      assertThat(t).isInstanceOf(StoreException.class);
    }
  }

  @Test
  void anExpiredClientCertificateIsReportedAsTheProblem() throws Exception {
    TestCertificates.Pair expired = etcd.pki().expiredClient("switchboard-client");
    try (KeySpace ks = KeySpaces.etcd(opts(expired, "operator", operatorPassword).operationTimeout(Duration.ofSeconds(2)).build())) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ks.problem().isPresent());
      assertThat(ks.problem().orElseThrow()).containsAnyOf("expired", "refused the client certificate");
      assertThat(ks.state()).isNotEqualTo(StoreState.CONNECTED);
    }
  }

  @Test
  void aWrongPasswordIsReportedAsAuthenticationFailedWithoutThePassword() throws Exception {
    Path wrong = write("wrong.pw", "not-the-password\n");
    try (KeySpace ks = KeySpaces.etcd(opts(client, "operator", wrong).build())) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ks.problem().isPresent());
      assertThat(ks.problem().orElseThrow()).contains("authentication failed").doesNotContain("not-the-password");
      Throwable t = failure(ks.put("/switchboard/services/checkout/plugins/z/enabled", b("true")));
      assertThat(t).isInstanceOf(StoreException.class).hasMessageContaining("authentication failed");
      assertThat(t.getMessage()).doesNotContain("not-the-password");
    }
  }

  @Test
  void anUnreadableKeyFileIsRefusedAtOpenNamingTheFile() throws Exception {
    Path key = etcd.pki().dir().resolve("unreadable-key.pem");
    Files.copy(client.key(), key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
    boolean root = Files.isReadable(key);
    if (root) {
      // running as root: make the file unreadable by content instead (a directory is never a PEM file)
      Files.delete(key);
      Files.createDirectory(key);
    }
    EtcdOptions o = EtcdOptions.builder(etcd.endpoint()).tls(new TlsFiles(etcd.pki().caFile(), client.cert(), key)).build();
    assertThatThrownBy(() -> KeySpaces.etcd(o))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("REJECTED")
        .hasMessageContaining(key.toString());
  }

  @Test
  void aMissingPasswordFileIsRefusedAtOpenNamingTheFile() {
    Path missing = etcd.pki().dir().resolve("no-such.pw");
    assertThatThrownBy(() -> KeySpaces.etcd(opts(client, "operator", missing).build()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void optionsNeverPrintThePassword() {
    EtcdOptions o = opts(client, "operator", operatorPassword).build();
    assertThat(o.toString()).contains("file " + operatorPassword).doesNotContain("s3cret-op");
  }

  /** Sanity: with the roles in place, root still sees every key (no test leaks into another). */
  @Test
  void theRolesExistAsDocumented() {
    String roles = etcd.etcdctl("role", "list");
    assertThat(roles).contains("switchboard-operator", "switchboard-bridge", "switchboard-agent-checkout-node-1");
    assertThat(Map.of("x", 1)).isNotEmpty();
  }

  @Test
  void aClientCertificateRotatedOnDiskIsUsedAfterTheOldOneExpiredWithoutRestartAndWithoutLosingAFlip() throws Exception {
    TestCertificates.Pair shortLived = etcd.pki().shortLivedClient("rotating", Duration.ofSeconds(25));
    java.time.Instant oldExpires = java.time.Instant.now().plusSeconds(25);
    TestCertificates.Pair files = new TestCertificates.Pair(etcd.pki().dir().resolve("rotating.pem"), etcd.pki().dir().resolve("rotating-key.pem"));
    Files.copy(shortLived.cert(), files.cert());
    Files.copy(shortLived.key(), files.key());
    String key = "/switchboard/services/rotation/plugins/p/enabled";
    try (KeySpace watcher = KeySpaces.etcd(opts(files, "operator", operatorPassword).build());
         KeySpace writer = KeySpaces.etcd(opts(client, "operator", operatorPassword).build())) {
      Recorder r = new Recorder();
      watcher.watch("/switchboard/services/rotation", r);
      await().atMost(Duration.ofSeconds(20)).until(() -> watcher.state() == StoreState.CONNECTED);
      int flips = 0;
      boolean rotated = false;
      boolean restarted = false;
      while (!restarted || flips < 120) {
        if (!rotated && flips == 20) {
          etcd.pki().reissue(files, "rotating");   // a Secret update: new certificate and key on disk
          rotated = true;
        }
        if (rotated && !restarted && java.time.Instant.now().isAfter(oldExpires.plusSeconds(1))) {
          // the old certificate has expired: a new handshake succeeds only with the rotated files
          etcd.member().kill();
          etcd.member().start();
          restarted = true;
        }
        String v = "flip-" + flips;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .until(() -> writer.put(key, b(v)).get(5, TimeUnit.SECONDS) != null);
        flips++;
        if (!restarted) {
          java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // spread flips over the expiry
        }
      }
      int total = flips;
      await().atMost(Duration.ofSeconds(30)).until(() -> ("flip-" + (total - 1)).equals(r.view().get(key)));
      java.util.List<String> seen = r.changes.stream().filter(c -> c.key().equals(key) && !c.deleted()).map(c -> c.valueUtf8()).distinct().toList();
      java.util.List<String> expected = java.util.stream.IntStream.range(0, total).mapToObj(i -> "flip-" + i).toList();
      assertThat(seen).containsExactlyElementsOf(expected);
      assertThat(watcher.state()).isEqualTo(StoreState.CONNECTED);
    }
  }
}
