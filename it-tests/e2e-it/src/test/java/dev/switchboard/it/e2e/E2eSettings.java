package dev.switchboard.it.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the end-to-end tests read their settings (system property wins over environment):
 * <ul>
 *   <li>{@code switchboard.e2e.baseImage} / {@code SWITCHBOARD_E2E_BASE_IMAGE}: the {@code BASE_IMAGE} build argument of
 *       the deploy/docker Dockerfiles; default {@value #DEFAULT_BASE_IMAGE} (scripts/images.sh), e.g.
 *       {@code eclipse-temurin:17-jre} where a registry is reachable;</li>
 *   <li>{@code switchboard.dist}: the built distribution (set by the root pom);</li>
 *   <li>{@code switchboard.deploy}: the deploy/ directory (set by this module's pom).</li>
 * </ul>
 */
final class E2eSettings {
  static final String DEFAULT_BASE_IMAGE = "switchboard-local/jre:17";

  private E2eSettings() {}

  static String baseImage() {
    return get("switchboard.e2e.baseImage", "SWITCHBOARD_E2E_BASE_IMAGE", DEFAULT_BASE_IMAGE);
  }

  static Path dist() {
    return dir("switchboard.dist", "dist", "build the project first: mvn -B -o -DskipTests install");
  }

  static Path deploy() {
    String d = System.getProperty("switchboard.deploy");
    if (d == null || d.isBlank()) return dist().resolveSibling("deploy");
    return dir("switchboard.deploy", "deploy", "run through Maven");
  }

  /** Logs and work files of one test class: {@code target/e2e/<class>}. */
  static Path work(String testClass) {
    return Path.of("target", "e2e", testClass).toAbsolutePath();
  }

  private static Path dir(String property, String what, String hint) {
    String d = System.getProperty(property);
    if (d == null || d.isBlank()) throw new IllegalStateException("system property " + property + " is not set (" + hint + ")");
    Path p = Path.of(d).toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) throw new IllegalStateException(what + " directory " + p + " is missing (" + hint + ")");
    return p;
  }

  static String get(String property, String env, String fallback) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) v = System.getenv(env);
    return v == null || v.isBlank() ? fallback : v.trim();
  }
}
