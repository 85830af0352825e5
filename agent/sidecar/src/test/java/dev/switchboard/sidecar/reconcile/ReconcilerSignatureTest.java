package dev.switchboard.sidecar.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.sidecar.artifact.ArtifactSignatures;
import dev.switchboard.sidecar.artifact.ArtifactTrust;
import dev.switchboard.sidecar.artifact.Ed25519Keys;
import dev.switchboard.sidecar.desired.ArtifactRef;
import dev.switchboard.sidecar.desired.Resolution;
import dev.switchboard.sidecar.testing.FakeConnection;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The artifact gate with a real {@link ArtifactTrust}: refusals never reach the runtime and leave the running version. */
class ReconcilerSignatureTest {
  static final String SHA1 = "1".repeat(64);
  static final String SHA2 = "2".repeat(64);
  final KeyPair release = Ed25519Keys.generate();
  final KeyPair stranger = Ed25519Keys.generate();
  final ArtifactTrust trust = ArtifactTrust.of(List.of(new ArtifactTrust.TrustedKey(Path.of("/keys/release.pub"), release.getPublic())), true);

  final FakeConnection runtime = new FakeConnection();
  final Map<String, PluginReport> reports = new ConcurrentHashMap<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final List<String> fetched = new CopyOnWriteArrayList<>();
  final Reconciler reconciler = new Reconciler((plugin, a) -> trust.check(plugin, a), a -> {
    fetched.add(a.sha256());
    return CompletableFuture.completedFuture(Path.of("/cache/" + a.sha256() + ".jar"));
  }, new ReconcileListener() {
    @Override public void onReport(PluginReport r) { reports.put(r.plugin(), r); }
    @Override public void onFailure(String p, String reason) { failures.add(p + ":" + reason); }
  }, Duration.ofMillis(20), Duration.ofMillis(200));

  @AfterEach
  void close() {
    reconciler.close();
  }

  ArtifactRef signed(String sha, String version, KeyPair by) {
    return new ArtifactRef("file:///" + version + ".jar", sha, version, ArtifactSignatures.sign(by.getPrivate(), sha));
  }

  void submit(String plugin, ArtifactRef a) {
    reconciler.submit(plugin, new Resolution(plugin, true, a, "{}", false, null), true);
  }

  void awaitActive(String plugin, String sha) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(reports.get(plugin)).isNotNull()
        .satisfies(r -> assertThat(r.state()).isEqualTo("ACTIVE")).satisfies(r -> assertThat(r.sha256()).isEqualTo(sha)));
  }

  @Test
  void aSignedArtifactActivatesAndABadlySignedUpgradeIsRefusedWhileTheOldVersionStays() {
    reconciler.desiredReady();
    reconciler.attach(runtime).join();
    submit("p", signed(SHA1, "1.0.0", release));
    awaitActive("p", SHA1);

    submit("p", signed(SHA2, "2.0.0", stranger));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(failures).contains("p:fetch_signature_invalid");
      assertThat(reports.get("p").state()).isEqualTo("FAILED");
      assertThat(reports.get("p").error()).contains("plugin p version 2.0.0").contains("verifies with none of the 1 trusted key(s)");
    });
    assertThat(reports.get("p").error()).endsWith("(not retried until the desired state changes)");
    assertThat(reports.get("p").sha256()).as("the report shows what still runs").isEqualTo(SHA1);
    // a retry would keep an operation or a scheduled retry pending, and settled() false
    await().atMost(Duration.ofSeconds(10)).until(() -> reconciler.settled().join());
    assertThat(failures).as("a signature refusal is final for its desired state: counted once").containsOnlyOnce("p:fetch_signature_invalid");
    assertThat(runtime.plugins.get("p").sha256()).isEqualTo(SHA1);
    assertThat(runtime.ops).containsExactly("activate p 1111 {}");
    assertThat(fetched).as("a refused artifact is not even fetched").containsOnly(SHA1);
  }

  @Test
  void aCorrectedSignatureIsTriedAtOnce() {
    reconciler.desiredReady();
    reconciler.attach(runtime).join();
    submit("p", signed(SHA2, "2.0.0", stranger));
    await().atMost(Duration.ofSeconds(10)).until(() -> failures.contains("p:fetch_signature_invalid"));
    submit("p", signed(SHA2, "2.0.0", release));
    awaitActive("p", SHA2);
    assertThat(reports.get("p").error()).isNull();
  }

  @Test
  void unsignedAndMalformedSignaturesFailOnlyTheirPlugin() {
    reconciler.desiredReady();
    reconciler.attach(runtime).join();
    submit("good", signed(SHA1, "1.0.0", release));
    submit("unsigned", new ArtifactRef("file:///u.jar", SHA2, "3.0.0"));
    submit("garbled", new ArtifactRef("file:///g.jar", SHA2, "4.0.0", "!!"));
    awaitActive("good", SHA1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(failures).contains("unsigned:fetch_signature_missing", "garbled:fetch_signature_invalid");
      assertThat(reports.get("unsigned").error()).contains("plugin unsigned version 3.0.0").contains("is unsigned");
      assertThat(reports.get("garbled").error()).contains("plugin garbled version 4.0.0").contains("field 'signature' is malformed");
    });
    assertThat(runtime.ops).containsExactly("activate good 1111 {}");
  }
}
