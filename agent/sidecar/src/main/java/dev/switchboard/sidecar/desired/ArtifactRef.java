package dev.switchboard.sidecar.desired;

import java.util.Objects;

/**
 * Where a plugin jar comes from and what it must hash to.
 *
 * @param url {@code file:}, {@code http:} or {@code https:} URL
 * @param sha256 64 lowercase hex digits
 * @param version declared version, or null when the value had none
 */
public record ArtifactRef(String url, String sha256, String version) {
  public ArtifactRef {
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(sha256, "sha256 == null");
    if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("sha256 not 64 lowercase hex: " + sha256);
  }
}
