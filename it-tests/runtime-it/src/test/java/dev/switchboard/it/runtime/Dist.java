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

  static Path cli() {
    return file("switchboard.jar");
  }

  static Path runtime() {
    return file("switchboard-runtime.jar");
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
