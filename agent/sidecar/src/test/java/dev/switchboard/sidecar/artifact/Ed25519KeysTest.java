package dev.switchboard.sidecar.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files: what is read, and what each kind of wrong file is reported as (always naming the file). */
class Ed25519KeysTest {
  @TempDir Path tmp;

  Path write(String name, String text) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  @Test
  void aWrittenKeyPairReadsBackAsTheSameKeys() throws Exception {
    KeyPair pair = Ed25519Keys.generate();
    Path pub = write("k.pub", Ed25519Keys.publicPem(pair.getPublic()));
    Path key = write("k.key", Ed25519Keys.privatePem(pair.getPrivate()));
    assertThat(Ed25519Keys.readPublic(pub).getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    assertThat(Ed25519Keys.readPrivate(key).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
    assertThat(Ed25519Keys.algorithmOid(pair.getPublic().getEncoded(), false)).isEqualTo(Ed25519Keys.ED25519_OID);
    assertThat(Ed25519Keys.algorithmOid(pair.getPrivate().getEncoded(), true)).isEqualTo(Ed25519Keys.ED25519_OID);
  }

  @Test
  void textAroundThePemBlockIsIgnored() throws Exception {
    KeyPair pair = Ed25519Keys.generate();
    Path pub = write("k.pub", "release key 2026\n" + Ed25519Keys.publicPem(pair.getPublic()) + "\n");
    assertThat(Ed25519Keys.readPublic(pub)).isEqualTo(pair.getPublic());
  }

  @Test
  void aMissingFileIsUnreadableNamingTheFile() {
    Path missing = tmp.resolve("nope.pub");
    assertThatThrownBy(() -> Ed25519Keys.readPublic(missing))
        .isInstanceOf(ArtifactException.class)
        .hasMessageContaining("BAD_KEY").hasMessageContaining("key file " + missing + " is unreadable");
  }

  @Test
  void garbageAndEmptyFilesHoldNoPemBlock() throws Exception {
    Path junk = write("junk.pub", "hello\n");
    assertThatThrownBy(() -> Ed25519Keys.readPublic(junk)).hasMessageContaining("key file " + junk + " holds no PEM block");
    Path empty = write("empty.pub", "");
    assertThatThrownBy(() -> Ed25519Keys.readPublic(empty)).hasMessageContaining("holds no PEM block");
    Path ssh = write("id.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA me@host\n");
    assertThatThrownBy(() -> Ed25519Keys.readPublic(ssh)).hasMessageContaining("OpenSSH public key");
  }

  @Test
  void anRsaKeyIsNamedAsRsaNotEd25519() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    KeyPair rsa = g.generateKeyPair();
    Path pub = write("rsa.pub", pem("PUBLIC KEY", rsa.getPublic().getEncoded()));
    assertThatThrownBy(() -> Ed25519Keys.readPublic(pub)).hasMessageContaining("key file " + pub + " holds a RSA key, not Ed25519");
    Path key = write("rsa.key", pem("PRIVATE KEY", rsa.getPrivate().getEncoded()));
    assertThatThrownBy(() -> Ed25519Keys.readPrivate(key)).hasMessageContaining("holds a RSA key, not Ed25519");
  }

  @Test
  void anEd448KeyIsRefused() throws Exception {
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    Path pub = write("ed448.pub", pem("PUBLIC KEY", ed448.getPublic().getEncoded()));
    assertThatThrownBy(() -> Ed25519Keys.readPublic(pub)).hasMessageContaining("holds a Ed448 key, not Ed25519");
  }

  @Test
  void aPrivateKeyWhereAPublicKeyBelongsSaysHowToDeriveIt() throws Exception {
    Path key = write("k.key", Ed25519Keys.privatePem(Ed25519Keys.generate().getPrivate()));
    assertThatThrownBy(() -> Ed25519Keys.readPublic(key))
        .hasMessageContaining("holds a private key where a public key belongs").hasMessageContaining("-pubout");
    Path pub = write("k.pub", Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic()));
    assertThatThrownBy(() -> Ed25519Keys.readPrivate(pub)).hasMessageContaining("holds a public key where a private key belongs");
    Path enc = write("enc.key", pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> Ed25519Keys.readPrivate(enc)).hasMessageContaining("encrypted private key");
  }

  @Test
  void twoKeysInOneFileAndBrokenDerAreRefused() throws Exception {
    String one = Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic());
    Path two = write("two.pub", one + one);
    assertThatThrownBy(() -> Ed25519Keys.readPublic(two)).hasMessageContaining("more than one PEM block");
    Path truncated = write("t.pub", pem("PUBLIC KEY", new byte[] {0x30, 0x2a, 0x30, 0x05}));
    assertThatThrownBy(() -> Ed25519Keys.readPublic(truncated)).hasMessageContaining("not a key (malformed DER");
    Path notBase64 = write("b.pub", "-----BEGIN PUBLIC KEY-----\nAAA=A\n-----END PUBLIC KEY-----\n");
    assertThatThrownBy(() -> Ed25519Keys.readPublic(notBase64)).isInstanceOf(ArtifactException.class).hasMessageContaining(notBase64.toString());
  }
}
