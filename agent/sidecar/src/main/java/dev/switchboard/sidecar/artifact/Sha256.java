package dev.switchboard.sidecar.artifact;

import java.nio.file.Path;

/** SHA-256 of files, as 64 lowercase hex digits. */
public final class Sha256 {
  private Sha256() {}

  public static String of(Path file) {
    return ArtifactCacheImpl.hashOf(file);
  }
}
