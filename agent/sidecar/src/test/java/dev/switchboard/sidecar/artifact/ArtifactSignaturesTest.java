package dev.switchboard.sidecar.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signed message, signing and verification, and agreement with OpenSSL (when installed). */
class ArtifactSignaturesTest {
  static final String SHA = "ab".repeat(32);

  @TempDir Path tmp;

  @Test
  void theSignedMessageIsThePrefixAndTheLowercaseSha() {
    assertThat(new String(ArtifactSignatures.message(SHA.toUpperCase()), StandardCharsets.US_ASCII))
        .isEqualTo("switchboard-artifact-v1:sha256:" + SHA);
    assertThatThrownBy(() -> ArtifactSignatures.message("abc")).hasMessageContaining("sha256 is not 64 hex digits: abc");
  }

  @Test
  void aSignatureVerifiesForItsShaAndKeyOnly() {
    KeyPair k = Ed25519Keys.generate();
    KeyPair other = Ed25519Keys.generate();
    String sig = ArtifactSignatures.sign(k.getPrivate(), SHA);
    assertThat(sig).hasSize(88);
    byte[] raw = ArtifactSignatures.decode(sig);
    assertThat(ArtifactSignatures.verify(k.getPublic(), SHA, raw)).isTrue();
    assertThat(ArtifactSignatures.verify(k.getPublic(), "cd".repeat(32), raw)).as("another jar").isFalse();
    assertThat(ArtifactSignatures.verify(other.getPublic(), SHA, raw)).as("another key").isFalse();
    raw[10] ^= 1;
    assertThat(ArtifactSignatures.verify(k.getPublic(), SHA, raw)).as("a flipped bit").isFalse();
  }

  @Test
  void malformedSignatureTextSaysWhatIsWrong() {
    assertThatThrownBy(() -> ArtifactSignatures.decode("not base64!")).hasMessageContaining("not base64");
    assertThatThrownBy(() -> ArtifactSignatures.decode(Base64.getEncoder().encodeToString(new byte[12])))
        .hasMessageContaining("decodes to 12 bytes, an Ed25519 signature has 64");
    assertThatThrownBy(() -> ArtifactSignatures.decode("")).hasMessageContaining("decodes to 0 bytes");
  }

  /** The documented OpenSSL commands produce keys this code reads and the very signature it makes (Ed25519 is deterministic). */
  @Test
  void opensslKeysAndSignaturesAgreeWithTheJdk() throws Exception {
    Assumptions.assumeTrue(run(List.of("openssl", "version")) == 0, "openssl installed");
    Path key = tmp.resolve("release.key");
    Path pub = tmp.resolve("release.pub");
    assertThat(run(List.of("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString()))).isZero();
    assertThat(run(List.of("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()))).isZero();
    Path msg = tmp.resolve("msg");
    Files.write(msg, ArtifactSignatures.message(SHA));
    Path sig = tmp.resolve("sig");
    assertThat(run(List.of("openssl", "pkeyutl", "-sign", "-inkey", key.toString(), "-rawin", "-in", msg.toString(), "-out", sig.toString()))).isZero();

    String jdk = ArtifactSignatures.sign(Ed25519Keys.readPrivate(key), SHA);
    assertThat(Base64.getEncoder().encodeToString(Files.readAllBytes(sig))).isEqualTo(jdk);
    assertThat(ArtifactSignatures.verify(Ed25519Keys.readPublic(pub), SHA, ArtifactSignatures.decode(jdk))).isTrue();

    // and the other way round: OpenSSL derives our public key file from our private key file
    KeyPair ours = Ed25519Keys.generate();
    Path ourKey = tmp.resolve("ours.key");
    Files.writeString(ourKey, Ed25519Keys.privatePem(ours.getPrivate()));
    Path derived = tmp.resolve("derived.pub");
    assertThat(run(List.of("openssl", "pkey", "-in", ourKey.toString(), "-pubout", "-out", derived.toString()))).isZero();
    assertThat(Files.readString(derived)).isEqualTo(Ed25519Keys.publicPem(ours.getPublic()));
  }

  static int run(List<String> cmd) throws Exception {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (java.io.IOException e) {
      return -1; // not installed
    }
  }
}
