package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths under dist/ (system property {@code switchboard.dist}). */
final class Dist {
  private Dist() {}

  static Path dir() {
    String d = System.getProperty("switchboard.dist");
    assertThat(d).as("system property switchboard.dist").isNotNull();
    return Path.of(d).toAbsolutePath().normalize();
  }

  static Path file(String name) {
    Path p = dir().resolve(name);
    assertThat(p).as("dist file (build the module producing it first)").isRegularFile();
    return p;
  }

  /**
   * The CLI jar, from a private copy of {@code switchboard.jar} and {@code switchboard-runtime.jar}
   * made once per test JVM (side by side, as in dist/), so a rebuild of dist/ while tests run does
   * not swap the jars under running processes.
   */
  static Path cli() {
    return snapshot().resolve("switchboard.jar");
  }

  static Path runtime() {
    return snapshot().resolve("switchboard-runtime.jar");
  }

  private static Path snapshot;

  private static synchronized Path snapshot() {
    if (snapshot != null) return snapshot;
    try {
      Path dir = Files.createTempDirectory("sb-dist-");
      for (String name : new String[] {"switchboard.jar", "switchboard-runtime.jar"}) {
        Path target = dir.resolve(name);
        for (int attempt = 0; ; attempt++) {
          Files.copy(file(name), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(target.toFile())) {
            if (z.size() > 0) break;
          } catch (java.io.IOException e) {
            if (attempt >= 10) throw e;
          }
          Thread.sleep(1000); // dist/ is being rebuilt right now
        }
        target.toFile().deleteOnExit();
      }
      dir.toFile().deleteOnExit();
      Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      snapshot = dir;
      return dir;
    } catch (java.io.IOException | InterruptedException e) {
      throw new AssertionError("cannot copy the dist jars: " + e, e);
    }
  }

  static Path sampleHost() {
    return file("sample-host.jar");
  }

  /** {@code dist/plugins/<id>-<version>.jar}. */
  static Path plugin(String id, String version) {
    return file("plugins/" + id + "-" + version + ".jar");
  }

  static String java17() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static final String JAVA25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

  static boolean java25Available() {
    return Files.isExecutable(Path.of(JAVA25));
  }
}
