package dev.switchboard.it.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and dist/ are (system properties set by the module's pom). */
final class Paths {
  private Paths() {}

  static Path root() {
    String p = System.getProperty("switchboard.root");
    Path root = p != null ? Path.of(p) : Path.of("").toAbsolutePath().getParent().getParent();
    if (!Files.isDirectory(root.resolve("deploy"))) throw new IllegalStateException("not the repository root (no deploy/): " + root);
    return root;
  }

  static Path dist() {
    String p = System.getProperty("switchboard.dist");
    return p != null ? Path.of(p) : root().resolve("dist");
  }

  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }
}
