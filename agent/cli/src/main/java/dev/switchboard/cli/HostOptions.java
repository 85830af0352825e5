package dev.switchboard.cli;

import dev.switchboard.control.RuntimeClient;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by the host verbs. */
final class HostOptions {
  @Option(names = "--control-dir", paramLabel = "DIR",
      description = "Directory of the control sockets and tokens (default: ${DEFAULT-VALUE}).")
  Path controlDir = Path.of(System.getProperty("java.io.tmpdir"), "switchboard");

  @Option(names = "--runtime-jar", paramLabel = "FILE",
      description = "dist/switchboard-runtime.jar (default: next to the running switchboard.jar, or $SWITCHBOARD_RUNTIME_JAR).")
  Path runtimeJar;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Bound for attach, start and each request (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = 60;

  RuntimeClient client(List<String> exports) {
    if (timeoutSeconds <= 0) throw new IllegalArgumentException("--timeout <= 0: " + timeoutSeconds);
    return RuntimeClient.builder()
        .controlDir(controlDir.toAbsolutePath())
        .runtimeJar(resolveRuntimeJar())
        .exports(exports)
        .timeout(Duration.ofSeconds(timeoutSeconds))
        .build();
  }

  Path resolveRuntimeJar() {
    if (runtimeJar != null) return runtimeJar.toAbsolutePath();
    String env = System.getenv("SWITCHBOARD_RUNTIME_JAR");
    if (env != null && !env.isBlank()) return Path.of(env).toAbsolutePath();
    try {
      Path self = Path.of(HostOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(self)) return self.resolveSibling("switchboard-runtime.jar");
    } catch (URISyntaxException | RuntimeException e) {
      // fall through to the working directory guess
    }
    return Path.of("dist", "switchboard-runtime.jar").toAbsolutePath();
  }
}
