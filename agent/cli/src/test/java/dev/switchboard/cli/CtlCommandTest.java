package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard ctl}: usage errors (exit 2) decided before any store is contacted; status model; artifacts. */
class CtlCommandTest {
  @TempDir Path tmp;

  static int run(String... args) {
    PrintStream err = System.err;
    PrintStream out = System.out;
    try {
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      return Main.run(args);
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
  }

  @Test
  void usageErrorsExitTwoWithoutTouchingAStore() {
    String etcd = "--etcd=http://127.0.0.1:1";
    assertThat(run("ctl", "enable", "checkout")).isEqualTo(2);
    assertThat(run("ctl", "enable", "Check_Out", "p", etcd)).isEqualTo(2);
    assertThat(run("ctl", "enable", "s", "p", "--node", "N!", etcd)).isEqualTo(2);
    assertThat(run("ctl", "rollout", "s", "p", etcd)).isEqualTo(2);
    assertThat(run("ctl", "rollout", "s", "p", "--percent", "101", etcd)).isEqualTo(2);
    assertThat(run("ctl", "rollout", "s", "p", "--percent", "5", "--nodes", "a", etcd)).isEqualTo(2);
    assertThat(run("ctl", "set-config", "s", "p", "[1]", etcd)).isEqualTo(2);
    assertThat(run("ctl", "set-config", "s", "p", "{\"a\":", etcd)).isEqualTo(2);
    assertThat(run("ctl", "canary", "s", "p", "x.jar", etcd)).isEqualTo(2);
    assertThat(run("ctl", "traffic", "s", "p", "x.jar", etcd)).as("--weights missing").isEqualTo(2);
    assertThat(run("ctl", "traffic", "s", "p", "--weights", "1.0.0", etcd)).isEqualTo(2);
    assertThat(run("ctl", "traffic", "s", "p", "--weights", "1.0.0=x,2.0.0=1", etcd)).isEqualTo(2);
    assertThat(run("ctl", "traffic", "s", "p", "--weights", "1.0.0=1,2.0.0=1", "--pin", "v2=2.0.0", etcd)).as("--pin without --pin-header").isEqualTo(2);
    assertThat(run("ctl", "enable", "s", "p", "--etcd", "http://127.0.0.1:1", "--zookeeper", "127.0.0.1:2")).isEqualTo(2);
    assertThat(run("ctl", "enable", "s", "p", "--etcd", "not a url")).isEqualTo(2);
  }

  @Test
  void artifactsOfLocalJarsCarryTheirShaAndPluginJsonVersion() throws Exception {
    Path jar = tmp.resolve("p.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("plugin.json"));
      out.write("{\"id\":\"p\",\"version\":\"3.1.4\"}".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    JsonNode a = CtlArtifacts.artifact("p", jar.toString(), null, null);
    assertThat(a.path("url").asText()).isEqualTo(jar.toUri().toString());
    assertThat(a.path("sha256").asText()).isEqualTo(dev.switchboard.control.Sha256.of(jar));
    assertThat(a.path("version").asText()).isEqualTo("3.1.4");
    assertThat(CtlArtifacts.artifact("p", jar.toString(), "9", null).path("version").asText()).isEqualTo("9");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CtlArtifacts.artifact("other", jar.toString(), null, null))
        .hasMessageContaining("plugin.json id 'p' is not the plugin 'other'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CtlArtifacts.artifact("p", "ftp://h/p.jar", null, null))
        .hasMessageContaining("unsupported URL scheme");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CtlArtifacts.artifact("p", jar.toString(), null, "0".repeat(64)))
        .hasMessageContaining("does not match the jar's sha256");
  }

  @Test
  void statusGroupsAgentAndPluginKeysByServiceAndNode() {
    Map<String, byte[]> keys = new TreeMap<>();
    keys.put("/switchboard/status/shop/n1/agent", "{\"attached\":true}".getBytes(StandardCharsets.UTF_8));
    keys.put("/switchboard/status/shop/n1/plugins/rh", "{\"state\":\"ACTIVE\",\"version\":\"1\"}".getBytes(StandardCharsets.UTF_8));
    keys.put("/switchboard/status/shop/n2/plugins/rh", "not json".getBytes(StandardCharsets.UTF_8));
    JsonNode m = CtlStatus.model("/switchboard", keys);
    assertThat(m).hasSize(2);
    assertThat(m.get(0).path("node").asText()).isEqualTo("n1");
    assertThat(m.get(0).path("agent").path("attached").asBoolean()).isTrue();
    assertThat(m.get(0).path("plugins").get(0).path("plugin").asText()).isEqualTo("rh");
    assertThat(m.get(0).path("plugins").get(0).path("state").asText()).isEqualTo("ACTIVE");
    assertThat(m.get(1).path("plugins").get(0).path("error").asText()).contains("unreadable status value");
  }

  @Test
  void signKeyPutsASignatureOfTheJarsShaIntoTheArtifactValue() throws Exception {
    Path jar = tmp.resolve("p.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("plugin.json"));
      out.write("{\"id\":\"p\",\"version\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    assertThat(run("ctl", "keygen", tmp.resolve("keys/release").toString())).isZero();
    Path key = tmp.resolve("keys/release.key");
    Path pub = tmp.resolve("keys/release.pub");
    assertThat(java.nio.file.Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(
        java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(run("ctl", "keygen", tmp.resolve("keys/release").toString())).as("never overwrites a key").isEqualTo(1);

    JsonNode a = CtlArtifacts.artifact("p", jar.toString(), null, null, CtlArtifacts.signingKey(key));
    String sha = dev.switchboard.control.Sha256.of(jar);
    var ref = dev.switchboard.sidecar.desired.Values.parseArtifact(a.toString());
    assertThat(ref.signature()).isEqualTo(a.path("signature").asText()).hasSize(88);
    var trust = dev.switchboard.sidecar.artifact.ArtifactTrust.of(
        java.util.List.of(dev.switchboard.sidecar.artifact.ArtifactTrust.TrustedKey.load(pub)), true);
    assertThat(trust.check("p", ref)).isEqualTo("signature verified with trusted key " + pub);
    assertThat(ref.sha256()).isEqualTo(sha);
    // a URL with --sha256 and --version is signed without downloading
    JsonNode remote = CtlArtifacts.artifact("p", "https://repo.example/p.jar", "1.0.0", sha, CtlArtifacts.signingKey(key));
    assertThat(remote.path("signature").asText()).isEqualTo(a.path("signature").asText());
  }

  @Test
  void aBadSignKeyIsAUsageErrorNamingTheFileBeforeAnyStoreIsContacted() throws Exception {
    String etcd = "--etcd=http://127.0.0.1:1";
    Path pub = tmp.resolve("k.pub");
    Files.writeString(pub, dev.switchboard.sidecar.artifact.Ed25519Keys.publicPem(dev.switchboard.sidecar.artifact.Ed25519Keys.generate().getPublic()));
    assertThat(run("ctl", "set-artifact", "s", "p", "x.jar", "--sign-key", pub.toString(), etcd)).isEqualTo(2);
    assertThat(run("ctl", "set-artifact", "s", "p", "x.jar", "--sign-key", tmp.resolve("missing.key").toString(), etcd)).isEqualTo(2);
    assertThat(run("ctl", "canary", "s", "p", "x.jar", "--percent", "5", "--sign-key", pub.toString(), etcd)).isEqualTo(2);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CtlArtifacts.signingKey(pub))
        .hasMessageContaining("--sign-key: key file " + pub + " holds a public key where a private key belongs");
  }
}
