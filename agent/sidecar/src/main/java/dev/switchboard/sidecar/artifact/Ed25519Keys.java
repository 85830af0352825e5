package dev.switchboard.sidecar.artifact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 key files in PEM, read and written with the JDK alone: public keys as {@code PUBLIC
 * KEY} (X.509 SubjectPublicKeyInfo, what {@code openssl pkey -pubout} writes), private keys as
 * unencrypted {@code PRIVATE KEY} (PKCS#8, what {@code openssl genpkey -algorithm ed25519}
 * writes). Every failure is an {@link ArtifactException} with code {@link
 * ArtifactException.Code#BAD_KEY} whose message names the file and says what it holds instead.
 */
public final class Ed25519Keys {
  /** Object identifier of Ed25519 (RFC 8410). */
  public static final String ED25519_OID = "1.3.101.112";

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
  private static final Map<String, String> KNOWN_OIDS = Map.of(
      "1.2.840.113549.1.1.1", "RSA",
      "1.2.840.10045.2.1", "EC",
      "1.3.101.110", "X25519",
      "1.3.101.111", "X448",
      ED25519_OID, "Ed25519",
      "1.3.101.113", "Ed448",
      "1.2.840.10040.4.1", "DSA");
  private static final int MAX_FILE_BYTES = 64 * 1024;

  private Ed25519Keys() {}

  /** A new key pair from the JDK's default SecureRandom. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519 key pair generator", e);
    }
  }

  /** Reads a {@code PUBLIC KEY} PEM file holding an Ed25519 key. */
  public static PublicKey readPublic(Path file) {
    byte[] der = decodePem(file, "PUBLIC KEY");
    requireEd25519(file, der, false);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw bad(file, "not a valid Ed25519 public key: " + e.getMessage());
    }
  }

  /** Reads an unencrypted {@code PRIVATE KEY} (PKCS#8) PEM file holding an Ed25519 key. */
  public static PrivateKey readPrivate(Path file) {
    byte[] der = decodePem(file, "PRIVATE KEY");
    requireEd25519(file, der, true);
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw bad(file, "not a valid Ed25519 private key: " + e.getMessage());
    }
  }

  /** PEM text of a public key (SubjectPublicKeyInfo). */
  public static String publicPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  /** PEM text of a private key (PKCS#8, unencrypted). */
  public static String privatePem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static byte[] decodePem(Path file, String wanted) {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) throw bad(file, "larger than " + MAX_FILE_BYTES + " bytes: not a key file");
      text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ArtifactException(ArtifactException.Code.BAD_KEY, "key file " + file + " is unreadable: " + e, e);
    }
    Matcher m = PEM.matcher(text);
    if (!m.find()) {
      String hint = text.startsWith("ssh-ed25519 ") ? " (an OpenSSH public key; convert it: ssh-keygen -e -m PKCS8 -f FILE)" : "";
      throw bad(file, "holds no PEM block (expected -----BEGIN " + wanted + "-----)" + hint);
    }
    String label = m.group(1);
    if (!label.equals(wanted)) {
      String why = switch (label) {
        case "PRIVATE KEY" -> "holds a private key where a public key belongs (derive it: openssl pkey -in FILE -pubout)";
        case "PUBLIC KEY" -> "holds a public key where a private key belongs";
        case "ENCRYPTED PRIVATE KEY" -> "holds an encrypted private key; only unencrypted PKCS#8 keys are read (protect the file instead)";
        case "OPENSSH PRIVATE KEY" -> "holds an OpenSSH private key; only PKCS#8 PEM is read (openssl genpkey -algorithm ed25519)";
        case "CERTIFICATE" -> "holds a certificate, not a bare key";
        default -> "holds a PEM block '" + label + "'";
      };
      throw bad(file, why + " (expected -----BEGIN " + wanted + "-----)");
    }
    String body = m.group(2);
    if (m.find()) throw bad(file, "holds more than one PEM block; put one key in each file");
    try {
      return Base64.getMimeDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw bad(file, "PEM body is not base64: " + e.getMessage());
    }
  }

  private static void requireEd25519(Path file, byte[] der, boolean pkcs8) {
    String oid;
    try {
      oid = algorithmOid(der, pkcs8);
    } catch (IllegalArgumentException e) {
      throw bad(file, "not a key (malformed DER: " + e.getMessage() + ")");
    }
    if (!oid.equals(ED25519_OID)) {
      throw bad(file, "holds a " + KNOWN_OIDS.getOrDefault(oid, "key of algorithm " + oid) + " key, not Ed25519"
          + " (generate one: openssl genpkey -algorithm ed25519)");
    }
  }

  /**
   * The algorithm identifier of a SubjectPublicKeyInfo ({@code SEQUENCE {SEQUENCE {OID, …},
   * BIT STRING}}) or a PKCS#8 PrivateKeyInfo ({@code SEQUENCE {INTEGER, SEQUENCE {OID, …}, …}}).
   */
  static String algorithmOid(byte[] der, boolean pkcs8) {
    Der outer = new Der(der, 0, der.length);
    Der body = outer.enter(0x30);
    if (pkcs8) body.skip(0x02);
    Der alg = body.enter(0x30);
    return alg.oid();
  }

  private static ArtifactException bad(Path file, String why) {
    return new ArtifactException(ArtifactException.Code.BAD_KEY, "key file " + file + " " + why);
  }

  /** Just enough DER to find an algorithm identifier. */
  private static final class Der {
    private final byte[] b;
    private int pos;
    private final int end;

    Der(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    private int header(int tag) {
      if (pos >= end) throw new IllegalArgumentException("truncated at byte " + pos);
      int t = b[pos++] & 0xff;
      if (t != tag) throw new IllegalArgumentException(String.format("tag 0x%02x at byte %d, expected 0x%02x", t, pos - 1, tag));
      if (pos >= end) throw new IllegalArgumentException("truncated at byte " + pos);
      int len = b[pos++] & 0xff;
      if (len >= 0x80) {
        int n = len & 0x7f;
        if (n == 0 || n > 3) throw new IllegalArgumentException("unsupported length form at byte " + (pos - 1));
        len = 0;
        for (int i = 0; i < n; i++) {
          if (pos >= end) throw new IllegalArgumentException("truncated at byte " + pos);
          len = (len << 8) | (b[pos++] & 0xff);
        }
      }
      if (len > end - pos) throw new IllegalArgumentException("length " + len + " beyond the data at byte " + pos);
      return len;
    }

    Der enter(int tag) {
      int len = header(tag);
      Der inner = new Der(b, pos, pos + len);
      pos += len;
      return inner;
    }

    void skip(int tag) {
      int len = header(tag); // before reading pos: header() moves it past tag and length
      pos += len;
    }

    String oid() {
      int len = header(0x06);
      if (len == 0) throw new IllegalArgumentException("empty object identifier");
      StringBuilder s = new StringBuilder();
      long v = 0;
      boolean first = true;
      for (int i = pos; i < pos + len; i++) {
        v = (v << 7) | (b[i] & 0x7f);
        if ((b[i] & 0x80) == 0) {
          if (first) {
            int a = (int) Math.min(2, v / 40);
            s.append(a).append('.').append(v - 40L * a);
            first = false;
          } else {
            s.append('.').append(v);
          }
          v = 0;
        }
      }
      pos += len;
      return s.toString();
    }
  }
}
