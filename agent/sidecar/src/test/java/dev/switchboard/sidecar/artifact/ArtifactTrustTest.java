package dev.switchboard.sidecar.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.sidecar.desired.ArtifactRef;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every row of the table in {@link ArtifactTrust}'s Javadoc. */
class ArtifactTrustTest {
  static final String SHA = "5a".repeat(32);
  final KeyPair release = Ed25519Keys.generate();
  final KeyPair next = Ed25519Keys.generate();
  final KeyPair stranger = Ed25519Keys.generate();
  final ArtifactTrust.TrustedKey releaseKey = new ArtifactTrust.TrustedKey(Path.of("/keys/release.pub"), release.getPublic());
  final ArtifactTrust.TrustedKey nextKey = new ArtifactTrust.TrustedKey(Path.of("/keys/next.pub"), next.getPublic());

  static ArtifactRef ref(String signature) {
    return new ArtifactRef("file:///p.jar", SHA, "1.2.0", signature);
  }

  @Test
  void unsignedIsAcceptedUnlessSignaturesAreRequired() {
    assertThat(ArtifactTrust.none().check("p", ref(null))).contains("unsigned");
    assertThat(ArtifactTrust.of(List.of(releaseKey), false).check("p", ref(null))).contains("unsigned");
    assertThatThrownBy(() -> ArtifactTrust.of(List.of(releaseKey), true).check("rate-limit", ref(null)))
        .isInstanceOf(ArtifactException.class)
        .satisfies(e -> assertThat(((ArtifactException) e).code()).isEqualTo(ArtifactException.Code.SIGNATURE_MISSING))
        .hasMessageContaining("plugin rate-limit version 1.2.0 (sha256 " + SHA + ") is unsigned and artifacts.requireSignature is true");
  }

  @Test
  void aSignatureFromAnyTrustedKeyIsAcceptedNamingTheKey() {
    ArtifactTrust rotating = ArtifactTrust.of(List.of(releaseKey, nextKey), true);
    assertThat(rotating.check("p", ref(ArtifactSignatures.sign(release.getPrivate(), SHA)))).isEqualTo("signature verified with trusted key /keys/release.pub");
    assertThat(rotating.check("p", ref(ArtifactSignatures.sign(next.getPrivate(), SHA)))).isEqualTo("signature verified with trusted key /keys/next.pub");
  }

  @Test
  void aSignatureThatVerifiesWithNoTrustedKeyIsRefusedRequiredOrNot() {
    for (boolean require : new boolean[] {true, false}) {
      ArtifactTrust trust = ArtifactTrust.of(List.of(releaseKey), require);
      assertThatThrownBy(() -> trust.check("p", ref(ArtifactSignatures.sign(stranger.getPrivate(), SHA))))
          .satisfies(e -> assertThat(((ArtifactException) e).code()).isEqualTo(ArtifactException.Code.SIGNATURE_INVALID))
          .hasMessageContaining("plugin p version 1.2.0 (sha256 " + SHA + "): the signature verifies with none of the 1 trusted key(s) [/keys/release.pub]");
      // a valid signature of another jar
      assertThatThrownBy(() -> trust.check("p", ref(ArtifactSignatures.sign(release.getPrivate(), "00".repeat(32)))))
          .hasMessageContaining("verifies with none");
    }
  }

  @Test
  void aMalformedSignatureIsRefusedEvenWithoutTrustedKeys() {
    assertThatThrownBy(() -> ArtifactTrust.none().check("p", ref("%%%")))
        .satisfies(e -> assertThat(((ArtifactException) e).code()).isEqualTo(ArtifactException.Code.SIGNATURE_INVALID))
        .hasMessageContaining("plugin p version 1.2.0").hasMessageContaining("field 'signature' is malformed: not base64");
    assertThatThrownBy(() -> ArtifactTrust.of(List.of(releaseKey), true).check("p", ref("AAAA")))
        .hasMessageContaining("decodes to 3 bytes");
  }

  @Test
  void aSignedJarWithoutTrustedKeysIsAcceptedUnverified() {
    assertThat(ArtifactTrust.none().check("p", ref(ArtifactSignatures.sign(stranger.getPrivate(), SHA)))).contains("not checked");
  }

  @Test
  void requiringSignaturesWithoutKeysIsRefused() {
    assertThatThrownBy(() -> ArtifactTrust.of(List.of(), true)).hasMessageContaining("requireSignature is true but keys is empty");
  }

  @Test
  void anArtifactWithoutVersionIsNamedSo() {
    assertThatThrownBy(() -> ArtifactTrust.of(List.of(releaseKey), true).check("p", new ArtifactRef("file:///p.jar", SHA, null)))
        .hasMessageContaining("plugin p version (no version)");
  }
}
