package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.testkit.Dist;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed artifacts end to end: keys from {@code switchboard ctl keygen}, values written by {@code
 * switchboard ctl set-artifact --sign-key} into a real etcd, a real sidecar process with {@code
 * artifacts.requireSignature: true} attached to a real sample host.
 */
class SignedArtifactsIT {
  @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();
  static final Duration LONG = Duration.ofSeconds(60);
  static final String PLUGIN = "response-header";
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

  record Result(int exit, String output) {}

  Result ctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("-jar", Dist.cli().toString(), "ctl"));
    cmd.addAll(List.of(args));
    if (!args[0].equals("keygen")) cmd.addAll(List.of("--etcd", ETCD.endpoints()));
    try (Proc p = Proc.start("ctl", Path.of("target", "it-logs", "ctl").toAbsolutePath(), Proc.java(cmd.toArray(String[]::new)))) {
      int exit = p.awaitExit(LONG);
      System.out.println("$ switchboard ctl " + String.join(" ", args) + "  -> exit " + exit);
      return new Result(exit, p.output());
    }
  }

  Optional<String> servedVersion() {
    return node.marker();
  }

  @Test
  void aSignedJarActivatesAndUnsignedOrBadlySignedUpgradesAreRefusedWhileTheOldVersionKeepsServing() throws Exception {
    assertThat(ctl("keygen", tmp.resolve("keys/release").toString()).exit()).isZero();
    assertThat(ctl("keygen", tmp.resolve("keys/stranger").toString()).exit()).isZero();
    Path releaseKey = tmp.resolve("keys/release.key");
    Path strangerKey = tmp.resolve("keys/stranger.key");
    Path releasePub = tmp.resolve("keys/release.pub");

    String svc = "signed-svc";
    node = new AgentNode(tmp, svc, "node-1", ETCD.endpoints(), null, null);
    node.extraConfig.add("artifacts:");
    node.extraConfig.add("  trustedKeys: [" + releasePub + "]");
    node.extraConfig.add("  requireSignature: true");
    node.startHost().startAgent();
    Path v1 = Dist.plugin(PLUGIN, "1.0.0");
    Path v2 = Dist.plugin(PLUGIN, "2.0.0");

    // 1. signed with a trusted key: activates
    Result set = ctl("set-artifact", svc, PLUGIN, v1.toString(), "--sign-key", releaseKey.toString());
    assertThat(set.exit()).as(set.output()).isZero();
    assertThat(set.output()).contains("\"signature\":\"");
    assertThat(ctl("enable", svc, PLUGIN).exit()).isZero();
    await().atMost(LONG).ignoreExceptions().until(() -> servedVersion().equals(Optional.of(PLUGIN + "/1.0.0")));
    assertThat(node.pluginStatus(PLUGIN).path("state").asText()).isEqualTo("ACTIVE");
    assertThat(node.agent.contains("plugin " + PLUGIN + " version 1.0.0: signature verified with trusted key " + releasePub)).isTrue();

    // 2. version 2 unsigned: refused, version 1 keeps serving
    long generation = generation();
    assertThat(ctl("set-artifact", svc, PLUGIN, v2.toString()).exit()).isZero();
    awaitFailed(generation, "plugin " + PLUGIN + " version 2.0.0 (sha256 " + Stores.sha256(v2) + ") is unsigned and artifacts.requireSignature is true");
    assertThat(node.metrics()).containsPattern("switchboard_reconcile_failures_total\\{node=\"[^\"]+\",plugin=\"" + PLUGIN + "\",reason=\"fetch_signature_missing\",service=\"[^\"]+\"} [1-9]");
    assertThat(servedVersion()).as("the host still serves version 1").contains(PLUGIN + "/1.0.0");

    // 3. version 2 signed by a key the agent does not trust: refused, version 1 keeps serving
    generation = generation();
    assertThat(ctl("set-artifact", svc, PLUGIN, v2.toString(), "--sign-key", strangerKey.toString()).exit()).isZero();
    awaitFailed(generation, "plugin " + PLUGIN + " version 2.0.0 (sha256 " + Stores.sha256(v2) + "): the signature verifies with none of the 1 trusted key(s) [" + releasePub + "]");
    assertThat(node.metrics()).containsPattern("switchboard_reconcile_failures_total\\{node=\"[^\"]+\",plugin=\"" + PLUGIN + "\",reason=\"fetch_signature_invalid\",service=\"[^\"]+\"} [1-9]");

    // 4. version 1's signature moved onto version 2's value: the signature does not match this jar
    String written = set.output().lines().filter(l -> l.startsWith(Stores.pluginKey(svc, PLUGIN, "artifact") + " = ")).findFirst().orElseThrow();
    String v1Signature = AgentNode.JSON.readTree(written.substring(written.indexOf(" = ") + 3)).path("signature").asText();
    assertThat(v1Signature).hasSize(88);
    generation = generation();
    Stores.put(etcd, Stores.pluginKey(svc, PLUGIN, "artifact"), "{\"url\":\"" + v2.toUri() + "\",\"sha256\":\"" + Stores.sha256(v2)
        + "\",\"version\":\"2.0.0\",\"signature\":\"" + v1Signature + "\"}");
    awaitFailed(generation, "plugin " + PLUGIN + " version 2.0.0 (sha256 " + Stores.sha256(v2) + "): the signature verifies with none");

    // 5. a malformed signature on another plugin fails that plugin only
    String broken = Stores.pluginKey(svc, "broken", "artifact");
    Stores.put(etcd, broken, "{\"url\":\"" + v2.toUri() + "\",\"sha256\":\"" + Stores.sha256(v2) + "\",\"version\":\"9.9.9\",\"signature\":\"not*base64\"}");
    Stores.put(etcd, Stores.pluginKey(svc, "broken", "enabled"), "true");
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
      JsonNode st = node.pluginStatus("broken");
      assertThat(st.path("state").asText()).isEqualTo("FAILED");
      assertThat(st.path("error").asText()).contains("plugin broken version 9.9.9").contains("field 'signature' is malformed: not base64");
    });

    // the host never saw version 2: every answer still comes from version 1, and version 2 never entered the cache
    assertThat(servedVersion()).contains(PLUGIN + "/1.0.0");
    assertThat(node.host.linesMatching(PLUGIN + ".*2\\.0\\.0")).as("host log lines about version 2").isEmpty();
    try (var files = Files.list(node.dir.resolve("cache/sha256"))) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".tmp")).toList())
          .containsExactly(Stores.sha256(v1) + ".jar");
    }
    Optional<JsonNode> stored = Stores.json(etcd, Stores.statusKey(svc, "node-1", PLUGIN));
    assertThat(stored).isPresent();
    assertThat(stored.get().path("state").asText()).isEqualTo("FAILED");
    assertThat(stored.get().path("version").asText()).as("the status key shows the version that runs").isEqualTo("1.0.0");

    // 6. version 2 signed with the trusted key: the upgrade goes through (the refusals were the signatures)
    assertThat(ctl("set-artifact", svc, PLUGIN, v2.toString(), "--sign-key", releaseKey.toString()).exit()).isZero();
    await().atMost(LONG).ignoreExceptions().until(() -> servedVersion().equals(Optional.of(PLUGIN + "/2.0.0")));
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
      JsonNode st = node.pluginStatus(PLUGIN);
      assertThat(st.path("state").asText()).isEqualTo("ACTIVE");
      assertThat(st.path("error").isNull()).isTrue();
    });
  }

  @Test
  void anUnusableTrustedKeyFileStopsTheAgentAtStartNamingTheFile() throws Exception {
    Path notAKey = tmp.resolve("release.pub");
    Files.writeString(notAKey, "this is not a key\n");
    node = new AgentNode(tmp, "signed-bad-key", "node-1", ETCD.endpoints(), null, null);
    node.extraConfig.add("artifacts: {trustedKeys: [" + notAKey + "], requireSignature: true}");
    Path config = node.writeConfig();
    try (Proc agent = Proc.start("agent-bad-key", node.logs(), Proc.java("-jar", Dist.cli().toString(), "agent", "--config", config.toString()))) {
      assertThat(agent.awaitExit(LONG)).as("the agent exits with the usage code").isEqualTo(2);
      assertThat(agent.output()).contains("key file " + notAKey + " holds no PEM block").contains("artifacts.trustedKeys: key file " + notAKey).doesNotContain("HTTP ");
    }
  }

  /** The plugin's desired-state generation in /v1/status (each desired-state change raises it). */
  long generation() throws Exception {
    return node.pluginStatus(PLUGIN).path("generation").asLong();
  }

  /** FAILED with {@code reason} for a desired state newer than {@code after}, version 1 still serving. */
  void awaitFailed(long after, String reason) {
    await().atMost(LONG).ignoreExceptions().untilAsserted(() -> {
      JsonNode st = node.pluginStatus(PLUGIN);
      assertThat(st.path("generation").asLong()).as("generation").isGreaterThan(after);
      assertThat(st.path("state").asText()).isEqualTo("FAILED");
      assertThat(st.path("error").asText()).contains(reason);
      assertThat(st.path("version").asText()).as("/v1/status shows the version that still runs").isEqualTo("1.0.0");
      Optional<JsonNode> stored = Stores.json(etcd, Stores.statusKey(SignedArtifactsIT.this.node.service, "node-1", PLUGIN));
      assertThat(stored).isPresent();
      assertThat(stored.get().path("error").asText()).contains(reason);
    });
    System.out.println("refused as expected: " + reason);
    assertThat(servedVersion()).as("version 1 keeps serving").contains(PLUGIN + "/1.0.0");
  }
}
