package dev.switchboard.sidecar.artifact;

import dev.switchboard.sidecar.desired.ArtifactRef;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;

/**
 * Which artifact signatures the agent accepts (configuration {@code artifacts.trustedKeys} and
 * {@code artifacts.requireSignature}); immutable.
 *
 * <table>
 *   <caption>{@link #check} for each kind of artifact value</caption>
 *   <tr><th>value</th><th>requireSignature: false</th><th>requireSignature: true</th></tr>
 *   <tr><td>no {@code signature}</td><td>accepted</td><td>refused, {@code SIGNATURE_MISSING}</td></tr>
 *   <tr><td>{@code signature} not base64 of 64 bytes</td><td>refused, {@code SIGNATURE_INVALID}</td><td>refused, {@code SIGNATURE_INVALID}</td></tr>
 *   <tr><td>verifies with a trusted key</td><td>accepted</td><td>accepted</td></tr>
 *   <tr><td>verifies with no trusted key</td><td>refused, {@code SIGNATURE_INVALID}</td><td>refused, {@code SIGNATURE_INVALID}</td></tr>
 *   <tr><td>signed, no trusted keys configured</td><td>accepted, not verified</td><td>(not a valid configuration)</td></tr>
 * </table>
 */
public final class ArtifactTrust {
  /** A trusted public key and the file it came from. */
  public record TrustedKey(Path file, PublicKey key) {
    public TrustedKey {
      Objects.requireNonNull(file, "file == null");
      Objects.requireNonNull(key, "key == null");
    }

    /** Reads an Ed25519 {@code PUBLIC KEY} PEM file; {@link ArtifactException} (BAD_KEY) naming the file otherwise. */
    public static TrustedKey load(Path file) {
      return new TrustedKey(file, Ed25519Keys.readPublic(file));
    }
  }

  private static final ArtifactTrust NONE = new ArtifactTrust(List.of(), false);

  private final List<TrustedKey> keys;
  private final boolean requireSignature;

  private ArtifactTrust(List<TrustedKey> keys, boolean requireSignature) {
    this.keys = List.copyOf(keys);
    this.requireSignature = requireSignature;
  }

  /** No trusted keys, signatures not required: every sha256-verified jar is accepted. */
  public static ArtifactTrust none() {
    return NONE;
  }

  public static ArtifactTrust of(List<TrustedKey> keys, boolean requireSignature) {
    Objects.requireNonNull(keys, "keys == null");
    if (requireSignature && keys.isEmpty()) {
      throw new IllegalArgumentException("requireSignature is true but keys is empty: no jar could ever be accepted");
    }
    return new ArtifactTrust(keys, requireSignature);
  }

  public List<TrustedKey> keys() {
    return keys;
  }

  public boolean requireSignature() {
    return requireSignature;
  }

  /**
   * Admits {@code artifact} for {@code plugin} or throws {@link ArtifactException} ({@code
   * SIGNATURE_MISSING} or {@code SIGNATURE_INVALID}) whose message names the plugin, the version
   * and why. Returns how the artifact was admitted, for the log.
   */
  public String check(String plugin, ArtifactRef artifact) {
    String what = "plugin " + plugin + " version " + artifact.versionText() + " (sha256 " + artifact.sha256() + ")";
    if (artifact.signature() == null) {
      if (requireSignature) {
        throw new ArtifactException(ArtifactException.Code.SIGNATURE_MISSING, what
            + " is unsigned and artifacts.requireSignature is true (jar not used; sign it with switchboard ctl set-artifact --sign-key)");
      }
      return "unsigned (signatures not required)";
    }
    byte[] sig;
    try {
      sig = ArtifactSignatures.decode(artifact.signature());
    } catch (IllegalArgumentException e) {
      throw new ArtifactException(ArtifactException.Code.SIGNATURE_INVALID, what + ": field 'signature' is malformed: " + e.getMessage() + " (jar not used)");
    }
    if (keys.isEmpty()) return "signed, signature not checked (no artifacts.trustedKeys configured)";
    for (TrustedKey k : keys) {
      if (ArtifactSignatures.verify(k.key(), artifact.sha256(), sig)) return "signature verified with trusted key " + k.file();
    }
    throw new ArtifactException(ArtifactException.Code.SIGNATURE_INVALID, what + ": the signature verifies with none of the "
        + keys.size() + " trusted key(s) " + keys.stream().map(k -> k.file().toString()).toList() + " (jar not used)");
  }

  @Override
  public String toString() {
    return "ArtifactTrust{keys=" + keys.stream().map(k -> k.file().toString()).toList() + ", requireSignature=" + requireSignature + "}";
  }
}
