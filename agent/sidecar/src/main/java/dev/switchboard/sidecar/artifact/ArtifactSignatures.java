package dev.switchboard.sidecar.artifact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * The detached signature of an artifact value's {@code signature} field: Ed25519 (pure, RFC 8032)
 * over the ASCII text {@code switchboard-artifact-v1:sha256:<64 lowercase hex>}, encoded as
 * standard base64 (88 characters for the 64 signature bytes).
 *
 * <p>The jar's sha256 is signed rather than its bytes: the cache refuses bytes that do not hash to
 * the declared sha256, so a signature over the sha256 binds the bytes just as well, costs the
 * same for a 60 MiB jar as for a small one (the JDK's Ed25519 buffers the whole message), and is
 * checked before anything is downloaded. The prefix keeps a release key's signature on some other
 * 32-byte value or text from passing as an artifact signature.
 */
public final class ArtifactSignatures {
  /** Length of an Ed25519 signature in bytes. */
  public static final int SIGNATURE_BYTES = 64;

  private static final String PREFIX = "switchboard-artifact-v1:sha256:";

  private ArtifactSignatures() {}

  /** The signed message for a jar whose sha256 is {@code sha256} (64 hex digits, any case). */
  public static byte[] message(String sha256) {
    if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("sha256 is not 64 hex digits: " + sha256);
    }
    return (PREFIX + sha256.toLowerCase(java.util.Locale.ROOT)).getBytes(StandardCharsets.US_ASCII);
  }

  /** Signs the jar with sha256 {@code sha256}; returns the base64 text of the {@code signature} field. */
  public static String sign(PrivateKey key, String sha256) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(message(sha256));
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new ArtifactException(ArtifactException.Code.BAD_KEY, "cannot sign with this key: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes the {@code signature} field: standard base64 of exactly 64 bytes. Throws {@link
   * IllegalArgumentException} whose message says what is wrong with the text.
   */
  public static byte[] decode(String text) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64 (" + e.getMessage() + "): '" + abbreviate(text) + "'");
    }
    if (raw.length != SIGNATURE_BYTES) {
      throw new IllegalArgumentException("decodes to " + raw.length + " bytes, an Ed25519 signature has " + SIGNATURE_BYTES);
    }
    return raw;
  }

  /** Whether {@code signature} is {@code key}'s signature of the jar with sha256 {@code sha256}. */
  public static boolean verify(PublicKey key, String sha256, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message(sha256));
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false; // a malformed signature (e.g. a non-canonical point) verifies with no key
    } catch (GeneralSecurityException e) {
      throw new ArtifactException(ArtifactException.Code.BAD_KEY, "cannot verify with this key: " + e.getMessage(), e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
