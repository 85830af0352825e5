package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipFile;

/**
 * Private copies of the dist/ jars (system property {@code switchboard.dist}, default {@code dist}),
 * taken once and checked to be complete, so a concurrent build rewriting dist/ cannot change what runs.
 */
final class BenchDist {
  private static final Path COPY;

  static {
    try {
      COPY = Files.createTempDirectory("switchboard-bench-dist-");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private BenchDist() {}

  static synchronized Path file(String name) {
    Path src = Path.of(System.getProperty("switchboard.dist", "dist")).toAbsolutePath().normalize().resolve(name);
    if (!Files.isRegularFile(src)) throw new IllegalStateException("dist file missing (build first): " + src);
    Path copy = COPY.resolve(name);
    if (Files.isRegularFile(copy)) return copy;
    try {
      Files.createDirectories(copy.getParent());
      for (int attempt = 1; ; attempt++) {
        Path tmp = copy.resolveSibling(copy.getFileName() + ".tmp");
        Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
        try (ZipFile z = new ZipFile(tmp.toFile())) {
          z.stream().forEach(e -> { });
          Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
          return copy;
        } catch (IOException e) {
          if (attempt >= 10) throw e;
          Thread.sleep(3000);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot copy " + src + ": " + e, e);
    }
  }

  static Path cli() { return file("switchboard.jar"); }

  static Path host() { return file("sample-host.jar"); }

  static Path runtime() { return file("switchboard-runtime.jar"); }

  static Path plugin(String id, String version) { return file("plugins/" + id + "-" + version + ".jar"); }

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
