package dev.switchboard.sidecar.desired;

import java.util.Objects;

/**
 * Where a plugin jar comes from, what it must hash to and, optionally, who signed it.
 *
 * @param url {@code file:}, {@code http:} or {@code https:} URL
 * @param sha256 64 lowercase hex digits
 * @param version declared version, or null when the value had none
 * @param signature the value's {@code signature} text as written (base64 of an Ed25519 signature
 *     over {@link dev.switchboard.sidecar.artifact.ArtifactSignatures#message the signed message}),
 *     or null when unsigned; decoded and verified only when the jar is about to be loaded
 */
public record ArtifactRef(String url, String sha256, String version, String signature) {
  public ArtifactRef {
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(sha256, "sha256 == null");
    if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("sha256 not 64 lowercase hex: " + sha256);
  }

  /** An unsigned artifact. */
  public ArtifactRef(String url, String sha256, String version) {
    this(url, sha256, version, null);
  }

  /** {@code version} or {@code "(no version)"}, for messages. */
  public String versionText() {
    return version == null ? "(no version)" : version;
  }
}
