package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** The built distribution ({@code switchboard.dist} system property). */
final class Dist {
  private Dist() {}

  static Path dir() {
    String d = System.getProperty("switchboard.dist");
    assertThat(d).as("system property switchboard.dist").isNotNull();
    return Path.of(d).toAbsolutePath().normalize();
  }

  /**
   * A private copy of a dist file, taken once per test JVM and checked to be a complete jar, so a
   * concurrent build rewriting {@code dist/} cannot change what a test runs halfway through.
   */
  static synchronized Path file(String name) {
    Path p = dir().resolve(name);
    assertThat(p).as("dist file (build the project first)").isRegularFile();
    Path copy = SNAPSHOT.resolve(name);
    if (java.nio.file.Files.isRegularFile(copy)) return copy;
    try {
      java.nio.file.Files.createDirectories(copy.getParent());
      for (int attempt = 1; ; attempt++) {
        Path tmp = copy.resolveSibling(copy.getFileName() + ".tmp");
        java.nio.file.Files.copy(p, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(tmp.toFile())) {
          z.stream().forEach(e -> { });
          java.nio.file.Files.move(tmp, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          return copy;
        } catch (java.io.IOException e) {
          if (attempt >= 10) throw e;
          Thread.sleep(3000); // dist/ is being rewritten by a build: try again
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot snapshot " + p + ": " + e, e);
    }
  }

  private static final Path SNAPSHOT = Path.of("target", "dist-snapshot-" + ProcessHandle.current().pid()).toAbsolutePath();

  static Path cli() {
    return file("switchboard.jar");
  }

  static Path host() {
    return file("sample-host.jar");
  }

  static Path runtime() {
    return file("switchboard-runtime.jar");
  }

  static Path plugin(String id, String version) {
    return file("plugins/" + id + "-" + version + ".jar");
  }
}
