package dev.switchboard.cli.demo;

import java.nio.file.Files;
import java.nio.file.Path;

/** How to spell the {@code switchboard} command for the printed hints. */
final class Launcher {
  private Launcher() {}

  static String command(Path dist) {
    Path bin = dist.toAbsolutePath().getParent() == null ? null : dist.toAbsolutePath().getParent().resolve("bin").resolve("switchboard");
    if (bin != null && Files.isExecutable(bin)) {
      Path cwd = Path.of("").toAbsolutePath();
      Path root = bin.getParent().getParent();
      return root.equals(cwd) ? "bin/switchboard" : bin.toString();
    }
    return "java -jar " + dist.resolve("switchboard.jar");
  }
}
