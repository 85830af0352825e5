package dev.switchboard.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Building the plugin templates under sample-plugins/ as a plugin author would: the plugin API (and the sample
 * host's SPI) installed into the local repository once per test JVM — the one install these tests make, shared by
 * every template test — then an offline {@code mvn package} of a copy of the template.
 */
final class TemplateBuilds {
  private static boolean installed;

  private TemplateBuilds() {}

  record Result(int code, String output) {}

  /** The templates' README step: {@code mvn install -pl plugin-api,sample-plugins/sample-spi -am}, once per JVM. */
  static synchronized void installPluginApi() throws Exception {
    if (installed) return;
    Result install = run(Paths.root(), Duration.ofMinutes(5), "mvn", "-B", "-o", "-q", repo(), "-DskipTests", "install",
        "-pl", "plugin-api,sample-plugins/sample-spi", "-am");
    assertThat(install.code).as("install of plugin-api:\n" + install.output).isZero();
    installed = true;
  }

  /** Copies {@code sample-plugins/<template>} (without target/) to {@code dest} and runs {@code mvn -B -o package} there. */
  static Result build(String template, Path dest, String... extraArgs) throws Exception {
    installPluginApi();
    copy(Paths.root().resolve("sample-plugins").resolve(template), dest);
    List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-o", repo()));
    cmd.addAll(List.of(extraArgs));
    cmd.add("package");
    return run(dest, Duration.ofMinutes(5), cmd.toArray(String[]::new));
  }

  /** The local repository of the outer build (a harmless repeat of the default when not set). */
  static String repo() {
    String r = System.getProperty("switchboard.localRepository");
    return "-Dmaven.repo.local=" + (r != null && !r.isBlank() ? r : Path.of(System.getProperty("user.home"), ".m2", "repository"));
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path rel = from.relativize(p);
        if (rel.startsWith("target")) continue;
        Path dest = to.resolve(rel.toString());
        if (Files.isDirectory(p)) Files.createDirectories(dest);
        else Files.copy(p, dest);
      }
    }
  }

  static Result run(Path dir, Duration timeout, String... cmd) throws Exception {
    Path out = Files.createTempFile("deploy-it-", ".out");
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout + ":\n" + Files.readString(out));
      }
      return new Result(p.exitValue(), Files.readString(out));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
