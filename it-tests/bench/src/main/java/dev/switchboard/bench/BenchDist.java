package dev.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/** What the benchmarks write to the store about a dist/ jar (the jars themselves: {@link dev.switchboard.testkit.Dist}). */
final class BenchDist {
  private BenchDist() {}

  static String sha256(Path jar) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
    } catch (Exception e) {
      throw new IllegalStateException("sha256 of " + jar + ": " + e, e);
    }
  }

  static String artifact(Path jar, String version) {
    return "{\"url\":\"" + jar.toUri() + "\",\"sha256\":\"" + sha256(jar) + "\",\"version\":\"" + version + "\"}";
  }
}
